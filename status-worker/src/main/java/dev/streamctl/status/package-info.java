@NullMarked
package dev.streamctl.status;

import org.jspecify.annotations.NullMarked;
