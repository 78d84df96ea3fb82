package dev.streamctl.common.srs;

/**
 * An SRS HTTP API could not be read completely. Nothing may be concluded from a partial
 * answer.
 */
public class SrsApiException extends RuntimeException {

	public SrsApiException(String message, Throwable cause) {
		super(message, cause);
	}

}
