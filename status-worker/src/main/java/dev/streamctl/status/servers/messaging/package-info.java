/** The servers queue's listener. */
@NullMarked
package dev.streamctl.status.servers.messaging;

import org.jspecify.annotations.NullMarked;
