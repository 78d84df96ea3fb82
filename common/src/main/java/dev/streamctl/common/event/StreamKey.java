package dev.streamctl.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A streamer's secret stream key: the last path segment of {@code rtmp://host/app/<key>}.
 * It is never empty, never longer than {@value #MAX_LENGTH} characters, and holds no path
 * separator, control or whitespace character, so it is safe to put in a URL path.
 * Deployments may narrow the allowed set further. {@link #toString()} shows it masked;
 * only {@link #value()} gives it whole.
 */
public record StreamKey(@JsonValue String value) {

	public static final int MAX_LENGTH = 255;

	public StreamKey {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("stream key is empty");
		}
		if (value.length() > MAX_LENGTH) {
			throw new IllegalArgumentException(
					"stream key is " + value.length() + " characters long, at most " + MAX_LENGTH + " are allowed");
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '/' || c == '\\') {
				throw new IllegalArgumentException("stream key contains a path separator at position " + i);
			}
			if (Character.isISOControl(c) || Character.isWhitespace(c)) {
				throw new IllegalArgumentException("stream key contains a control or space character at position " + i);
			}
		}
		if (value.chars().allMatch(c -> c == '.')) {
			throw new IllegalArgumentException("stream key is made only of dots");
		}
	}

	@JsonCreator
	public static StreamKey of(String value) {
		return new StreamKey(value);
	}

	/** The key with all but its first characters hidden, for logs and error messages. */
	public String masked() {
		return Masking.key(value);
	}

	@Override
	public String toString() {
		return masked();
	}

}
