@NullMarked
package dev.streamctl.gateway.heartbeat;

import org.jspecify.annotations.NullMarked;
