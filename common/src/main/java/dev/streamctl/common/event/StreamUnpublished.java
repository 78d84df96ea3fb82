package dev.streamctl.common.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A publisher's session on a stream ended. {@link #reason()} tells whether SRS said so
 * with {@code on_unpublish}, or whether the publisher's connection closed without one:
 * SRS accepted the {@code on_publish} and then refused the stream (a second publisher on
 * a live key, a failed forward backend), so the session may never have been live.
 */
public record StreamUnpublished(int schemaVersion, UUID eventId, Instant occurredAt, EventSource source,
		SrsSession session, Reason reason) implements StreamEvent {

	public static final String ROUTING_KEY = "stream.unpublished";

	public StreamUnpublished {
		Events.requireSchema(schemaVersion);
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(occurredAt, "occurredAt is required");
		Objects.requireNonNull(source, "source is required");
		Objects.requireNonNull(session, "session is required");
		Objects.requireNonNull(reason, "reason is required");
	}

	/** A new event with a fresh id, in the current schema version. */
	public static StreamUnpublished of(Instant occurredAt, EventSource source, SrsSession session, Reason reason) {
		return new StreamUnpublished(SCHEMA_VERSION, UUID.randomUUID(), occurredAt, source, session, reason);
	}

	@Override
	public StreamUnpublished replayed() {
		return new StreamUnpublished(this.schemaVersion, this.eventId, this.occurredAt, EventSource.REPLAY,
				this.session, this.reason);
	}

	@Override
	public String routingKey() {
		return ROUTING_KEY;
	}

	@Override
	public boolean changesLiveState() {
		return true;
	}

	/** Why the session ended. */
	public enum Reason {

		/** SRS called {@code on_unpublish}. */
		@JsonProperty("unpublished")
		UNPUBLISHED,

		/**
		 * The publisher's {@code on_close} came without an {@code on_unpublish} before
		 * it.
		 */
		@JsonProperty("closed-without-unpublish")
		CLOSED_WITHOUT_UNPUBLISH,

		/** The stream is not active in SRS any more (found by the reconciler). */
		@JsonProperty("gone")
		GONE,

		/**
		 * The stream's SRS restarted (its heartbeat came with a new service id) and the
		 * stream was not published again on it (found by the status worker).
		 */
		@JsonProperty("server-restarted")
		SERVER_RESTARTED,

		/**
		 * The stream's SRS sent no heartbeat for several intervals and its API cannot be
		 * read (found by the status worker).
		 */
		@JsonProperty("server-gone")
		SERVER_GONE

	}

}
