package dev.streamctl.common.test.postgrest;

import java.util.Locale;
import java.util.Map;

/**
 * A request {@link FakePostgrest} received, as it arrived.
 *
 * @param method the HTTP method, as sent
 * @param rawPath the path, still URL-encoded
 * @param rawQuery the query string after {@code ?}, still URL-encoded; empty when the URL
 * has none
 * @param headers every header by lower-case name, with its first value
 * @param body the body read as UTF-8; empty when there is none
 */
public record RecordedRequest(String method, String rawPath, String rawQuery, Map<String, String> headers,
		String body) {

	/** The first value of the header {@code name} (any case), or {@code null}. */
	public String header(String name) {
		return this.headers.get(name.toLowerCase(Locale.ROOT));
	}

}
