package dev.streamctl.common.codec;

import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.StreamEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the events of the exchange ({@link SrsEvent}: {@link StreamEvent}s and
 * heartbeats) into the JSON that travels on the broker and back. Thread-safe. Reading
 * rejects what the contract does not allow (unknown type, wrong schema version, missing
 * field) with a {@link MalformedEventException} whose message names the problem.
 */
public final class EventCodec {

	/** The content type of an encoded event. */
	public static final String CONTENT_TYPE = "application/json";

	private final JsonMapper mapper = JsonMapper.builder()
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
		.build();

	public byte[] encode(SrsEvent event) {
		return this.mapper.writeValueAsBytes(event);
	}

	/**
	 * Reads a stream event: what a consumer bound to stream events receives. Any other
	 * event of the exchange (a heartbeat) is refused like a malformed one.
	 */
	public StreamEvent decode(byte[] json) {
		return decode(json, StreamEvent.class);
	}

	/**
	 * Reads an event of the given kind: {@code SrsEvent.class} for any event of the
	 * exchange, as a reader of the whole log needs.
	 */
	public <T extends SrsEvent> T decode(byte[] json, Class<T> kind) {
		try {
			return this.mapper.readValue(json, kind);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException(describe(ex, kind), ex);
		}
	}

	private static String describe(JacksonException ex, Class<?> kind) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String detail = (cause instanceof IllegalArgumentException || cause instanceof NullPointerException)
				? cause.getMessage() : ex.getOriginalMessage();
		String what = (kind == StreamEvent.class) ? "stream event"
				: (kind == SrsEvent.class) ? "event" : kind.getSimpleName();
		return "not a valid " + what + ": " + detail;
	}

}
