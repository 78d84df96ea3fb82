package dev.streamctl.store;

/**
 * The store refused the request in a way that asking again will not change: a wrong or
 * read-only key, a table or column that does not exist. Needs an operator.
 */
public final class DirectoryRejectedException extends DirectoryException {

	private final int status;

	private final String code;

	public DirectoryRejectedException(int status, String code, String message) {
		super(message, null);
		this.status = status;
		this.code = code;
	}

	/**
	 * The HTTP status, or 0 when the refusal was found otherwise (a write hidden by
	 * row-level security).
	 */
	public int status() {
		return this.status;
	}

	/** PostgREST's error code, or an empty string. */
	public String code() {
		return this.code;
	}

	@Override
	public boolean isTransient() {
		return false;
	}

}
