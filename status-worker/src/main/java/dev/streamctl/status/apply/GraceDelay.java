package dev.streamctl.status.apply;

import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.status.messaging.EventSender;

import org.springframework.stereotype.Component;

/**
 * Parks an unpublish in the grace queue, whose TTL sends it back to the events queue once
 * the reconnect grace is over. Returns only after the broker confirmed it, so the
 * original may then be acknowledged.
 */
@Component
class GraceDelay {

	private final EventSender sender;

	private final String queue;

	GraceDelay(EventSender sender, StatusSettings settings) {
		this.sender = sender;
		this.queue = StatusTopology.graceQueue(settings.reconnectGrace().toMillis());
	}

	void park(StreamEvent event) {
		this.sender.send("", this.queue, event);
	}

}
