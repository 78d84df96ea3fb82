package dev.streamctl.common.codec;

import dev.streamctl.common.event.StreamEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns {@link StreamEvent}s into the JSON that travels on the broker and back.
 * Thread-safe. Reading rejects what the contract does not allow (unknown type, wrong
 * schema version, missing field) with a {@link MalformedEventException} whose message
 * names the problem.
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

	public byte[] encode(StreamEvent event) {
		return this.mapper.writeValueAsBytes(event);
	}

	public StreamEvent decode(byte[] json) {
		try {
			return this.mapper.readValue(json, StreamEvent.class);
		}
		catch (JacksonException ex) {
			throw new MalformedEventException(describe(ex), ex);
		}
	}

	private static String describe(JacksonException ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String detail = (cause instanceof IllegalArgumentException || cause instanceof NullPointerException)
				? cause.getMessage() : ex.getOriginalMessage();
		return "not a valid stream event: " + detail;
	}

}
