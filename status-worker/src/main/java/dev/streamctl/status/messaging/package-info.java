@NullMarked
package dev.streamctl.status.messaging;

import org.jspecify.annotations.NullMarked;
