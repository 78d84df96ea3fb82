package dev.streamctl.srs;

import org.jspecify.annotations.Nullable;

/**
 * An SRS HTTP API could not be read completely. Nothing may be concluded from a partial
 * answer.
 */
public class SrsApiException extends RuntimeException {

	public SrsApiException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
