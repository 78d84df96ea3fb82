/**
 * The Spring wiring every service repeats, once: the event codec, the broker topology
 * declared from the shared description in {@code dev.streamctl.common.topology}, the
 * admin that declares it, and the channel directory. Each piece backs off when a service
 * defines its own.
 */
@NullMarked
package dev.streamctl.support;

import org.jspecify.annotations.NullMarked;
