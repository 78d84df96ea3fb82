package dev.streamctl.common.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Video came back on a stream that was reported {@link StreamStalled stalled}.
 * Informational: a consumer that keeps live state changes nothing because of it
 * ({@link #changesLiveState()}).
 *
 * @param stalledAt when the stall was reported: the {@code occurredAt} of the
 * {@link StreamStalled} this ends
 */
public record StreamResumed(int schemaVersion, UUID eventId, Instant occurredAt, EventSource source, SrsSession session,
		Instant stalledAt) implements StreamEvent {

	public static final String ROUTING_KEY = "stream.resumed";

	public StreamResumed {
		Events.requireSchema(schemaVersion);
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(occurredAt, "occurredAt is required");
		Objects.requireNonNull(source, "source is required");
		Objects.requireNonNull(session, "session is required");
		Objects.requireNonNull(stalledAt, "stalledAt is required");
	}

	/**
	 * A new event from the thumbnail worker with a fresh id, in the current schema
	 * version.
	 */
	public static StreamResumed of(Instant occurredAt, SrsSession session, Instant stalledAt) {
		return new StreamResumed(SCHEMA_VERSION, UUID.randomUUID(), occurredAt, EventSource.THUMBNAIL_WORKER, session,
				stalledAt);
	}

	@Override
	public StreamResumed replayed() {
		return new StreamResumed(this.schemaVersion, this.eventId, this.occurredAt, EventSource.REPLAY, this.session,
				this.stalledAt);
	}

	@Override
	public String routingKey() {
		return ROUTING_KEY;
	}

	@Override
	public boolean changesLiveState() {
		return false;
	}

}
