@NullMarked
package dev.streamctl.status.apply.messaging;

import org.jspecify.annotations.NullMarked;
