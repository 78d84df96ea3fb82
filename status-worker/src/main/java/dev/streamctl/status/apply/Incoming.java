package dev.streamctl.status.apply;

import dev.streamctl.common.event.StreamEvent;

/**
 * An event taken from the queue.
 *
 * @param tag the delivery tag it must be settled with
 * @param graced whether it already waited out the reconnect grace
 */
public record Incoming(long tag, StreamEvent event, boolean graced) {

}
