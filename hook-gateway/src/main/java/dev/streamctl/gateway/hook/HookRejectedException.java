package dev.streamctl.gateway.hook;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A hook answered with an error. The message is shown to the caller and logged, so it
 * must never hold a stream key or a token.
 */
public class HookRejectedException extends RuntimeException {

	private final HttpStatus status;

	private final HookOutcome outcome;

	public HookRejectedException(HttpStatus status, HookOutcome outcome, @Nullable String message) {
		super(message);
		this.status = status;
		this.outcome = outcome;
	}

	public HttpStatus status() {
		return this.status;
	}

	public HookOutcome outcome() {
		return this.outcome;
	}

	public static HookRejectedException invalid(@Nullable String message) {
		return new HookRejectedException(HttpStatus.BAD_REQUEST, HookOutcome.INVALID, message);
	}

}
