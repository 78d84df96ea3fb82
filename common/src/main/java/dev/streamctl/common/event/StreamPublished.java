package dev.streamctl.common.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * SRS accepted a publisher for a stream (an {@code on_publish} hook answered with code
 * 0).
 */
public record StreamPublished(int schemaVersion, UUID eventId, Instant occurredAt, EventSource source,
		SrsSession session) implements StreamEvent {

	public static final String ROUTING_KEY = "stream.published";

	public StreamPublished {
		Events.requireSchema(schemaVersion);
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(occurredAt, "occurredAt is required");
		Objects.requireNonNull(source, "source is required");
		Objects.requireNonNull(session, "session is required");
	}

	/** A new event with a fresh id, in the current schema version. */
	public static StreamPublished of(Instant occurredAt, EventSource source, SrsSession session) {
		return new StreamPublished(SCHEMA_VERSION, UUID.randomUUID(), occurredAt, source, session);
	}

	@Override
	public StreamPublished replayed() {
		return new StreamPublished(this.schemaVersion, this.eventId, this.occurredAt, EventSource.REPLAY, this.session);
	}

	@Override
	public String routingKey() {
		return ROUTING_KEY;
	}

	@Override
	public boolean changesLiveState() {
		return true;
	}

}
