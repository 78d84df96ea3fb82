@NullMarked
package dev.streamctl.status.apply;

import org.jspecify.annotations.NullMarked;
