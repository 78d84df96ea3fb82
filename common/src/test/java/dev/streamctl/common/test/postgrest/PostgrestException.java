package dev.streamctl.common.test.postgrest;

import java.util.Map;

/**
 * An error answer of the fake: its HTTP status, its JSON body exactly as PostgREST (or
 * Supabase's gateway) writes it, and any extra response headers. Thrown anywhere while a
 * request is answered; the server turns it into the response.
 */
final class PostgrestException extends RuntimeException {

	private final int status;

	private final String body;

	private final Map<String, String> headers;

	private PostgrestException(int status, String body, Map<String, String> headers) {
		super(body, null, false, false);
		this.status = status;
		this.body = body;
		this.headers = headers;
	}

	/**
	 * A PostgREST error: body {@code {"code":..,"details":..,"hint":..,"message":..}},
	 * null parts as JSON null.
	 */
	static PostgrestException of(int status, String code, String details, String hint, String message) {
		return withHeaders(status, code, details, hint, message, Map.of());
	}

	static PostgrestException withHeaders(int status, String code, String details, String hint, String message,
			Map<String, String> headers) {
		String body = "{\"code\":" + quote(code) + ",\"details\":" + quote(details) + ",\"hint\":" + quote(hint)
				+ ",\"message\":" + quote(message) + "}";
		return new PostgrestException(status, body, headers);
	}

	/** A Supabase gateway (Kong) rejection: body {@code {"message":..,"hint":..}}. */
	static PostgrestException gateway(int status, String message, String hint) {
		return new PostgrestException(status, "{\"message\":" + quote(message) + ",\"hint\":" + quote(hint) + "}",
				Map.of());
	}

	/** An error raised by PostgreSQL: status 400, no details or hint. */
	static PostgrestException postgres(String sqlState, String message) {
		return of(400, sqlState, null, null, message);
	}

	/**
	 * A feature PostgREST has but this fake does not: 501 with code {@code FAKE501}, so
	 * it is never mistaken for PostgREST's.
	 */
	static PostgrestException unsupported(String feature) {
		return of(501, "FAKE501", feature, null, "FakePostgrest does not implement this: " + feature);
	}

	/**
	 * PGRST100, a query parameter that does not parse: message
	 * {@code "<what> (<text>)" (line 1, column <n>)}.
	 */
	static PostgrestException parse(String what, String text, int column, String details) {
		return of(400, "PGRST100", details, null,
				"\"failed to parse " + what + " (" + text + ")\" (line 1, column " + column + ")");
	}

	int status() {
		return this.status;
	}

	String body() {
		return this.body;
	}

	Map<String, String> headers() {
		return this.headers;
	}

	/**
	 * The JSON string literal of {@code text} as PostgreSQL writes it, or {@code null}
	 * for a null text.
	 */
	static String quote(String text) {
		if (text == null) {
			return "null";
		}
		StringBuilder json = new StringBuilder(text.length() + 2);
		appendQuoted(json, text);
		return json.toString();
	}

	static void appendQuoted(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\b' -> json.append("\\b");
				case '\f' -> json.append("\\f");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < ' ') {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
