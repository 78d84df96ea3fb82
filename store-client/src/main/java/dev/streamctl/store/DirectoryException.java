package dev.streamctl.store;

import org.jspecify.annotations.Nullable;

/**
 * The channel directory could not answer. Messages name the cause and the fix, and never
 * hold a stream key or the API key.
 */
public abstract sealed class DirectoryException extends RuntimeException
		permits DirectoryUnavailableException, DirectoryRejectedException {

	protected DirectoryException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/** Whether asking again later may succeed. */
	public abstract boolean isTransient();

}
