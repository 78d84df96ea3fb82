package dev.streamctl.status.apply;

import java.time.Instant;

import dev.streamctl.common.event.StreamEvent;
import org.jspecify.annotations.Nullable;

/**
 * An event taken from the queue.
 *
 * @param tag the delivery tag it must be settled with
 * @param graced whether it already waited out the reconnect grace
 * @param retries how often it was tried again after a transient failure so far
 * @param firstFailure when its first try failed, null when none did
 */
public record Incoming(long tag, StreamEvent event, boolean graced, int retries, @Nullable Instant firstFailure) {

	/** An event tried for the first time. */
	public Incoming(long tag, StreamEvent event, boolean graced) {
		this(tag, event, graced, 0, null);
	}

}
