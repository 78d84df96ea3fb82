@NullMarked
package dev.streamctl.store;

import org.jspecify.annotations.NullMarked;
