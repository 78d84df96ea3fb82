package dev.streamctl.common.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A live stream sent no video for a while: the thumbnail worker capturing it saw no video
 * tag for its stall timeout. Informational: the stream is still published, and a consumer
 * that keeps live state changes nothing because of it ({@link #changesLiveState()}).
 *
 * @param lastVideoAt when the last video tag of the session arrived, or, when none ever
 * did, when the capture started reading the stream
 */
public record StreamStalled(int schemaVersion, UUID eventId, Instant occurredAt, EventSource source, SrsSession session,
		Instant lastVideoAt) implements StreamEvent {

	public static final String ROUTING_KEY = "stream.stalled";

	public StreamStalled {
		Events.requireSchema(schemaVersion);
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(occurredAt, "occurredAt is required");
		Objects.requireNonNull(source, "source is required");
		Objects.requireNonNull(session, "session is required");
		Objects.requireNonNull(lastVideoAt, "lastVideoAt is required");
	}

	/**
	 * A new event from the thumbnail worker with a fresh id, in the current schema
	 * version.
	 * @param lastVideoAt when the last video tag arrived, or when the capture started
	 * reading if none ever came
	 */
	public static StreamStalled of(Instant occurredAt, SrsSession session, Instant lastVideoAt) {
		return new StreamStalled(SCHEMA_VERSION, UUID.randomUUID(), occurredAt, EventSource.THUMBNAIL_WORKER, session,
				lastVideoAt);
	}

	@Override
	public StreamStalled replayed() {
		return new StreamStalled(this.schemaVersion, this.eventId, this.occurredAt, EventSource.REPLAY, this.session,
				this.lastVideoAt);
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
