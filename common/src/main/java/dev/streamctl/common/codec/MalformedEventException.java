package dev.streamctl.common.codec;

/** A message that is not a stream event this code can read. Never worth retrying. */
public class MalformedEventException extends RuntimeException {

	public MalformedEventException(String message, Throwable cause) {
		super(message, cause);
	}

}
