@NullMarked
package dev.streamctl.thumbnail.capture;

import org.jspecify.annotations.NullMarked;
