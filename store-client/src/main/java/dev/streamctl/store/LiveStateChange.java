package dev.streamctl.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import dev.streamctl.common.event.StreamKey;

/**
 * One live-state change of a batch for {@link ChannelStore#applyAll}.
 *
 * @param eventId the event it comes from; names the change in the answer
 * @param key the channel's stream key (the store looks the channel up itself)
 * @param state the state it sets
 * @param at when it happened; the row's modified time after it applied
 */
public record LiveStateChange(UUID eventId, StreamKey key, LiveState state, Instant at) {

	public LiveStateChange {
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(key, "key is required");
		Objects.requireNonNull(state, "state is required");
		Objects.requireNonNull(at, "at is required");
	}

}
