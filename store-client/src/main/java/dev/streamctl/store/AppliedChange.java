package dev.streamctl.store;

import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What {@link ChannelStore#applyAll} did with one change.
 *
 * @param eventId the change's event
 * @param result what it did
 * @param channelId the channel of the change's key, null for {@link Result#UNKNOWN_KEY}
 */
public record AppliedChange(UUID eventId, Result result, @Nullable UUID channelId) {

	public AppliedChange {
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(result, "result is required");
	}

	/** The outcomes of one change, named as the SQL function answers them. */
	public enum Result {

		/** The row now holds the change's state. */
		APPLIED,

		/** The row already holds a more recent state: nothing changed. */
		STALE,

		/** The row already holds a state of exactly this time: nothing changed. */
		DUPLICATE,

		/** A newer change of the same channel in the same batch won: nothing changed. */
		SUPERSEDED,

		/** No channel has the change's stream key. */
		UNKNOWN_KEY

	}

}
