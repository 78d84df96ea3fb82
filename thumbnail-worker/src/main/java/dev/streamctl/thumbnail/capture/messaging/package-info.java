@NullMarked
package dev.streamctl.thumbnail.capture.messaging;

import org.jspecify.annotations.NullMarked;
