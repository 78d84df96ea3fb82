package dev.streamctl.store;

import org.jspecify.annotations.Nullable;

/**
 * The store did not answer, or answered that it cannot now (timeout, refused connection,
 * 5xx, 429), after the client's own retries. Worth retrying later.
 */
public final class DirectoryUnavailableException extends DirectoryException {

	public DirectoryUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	@Override
	public boolean isTransient() {
		return true;
	}

}
