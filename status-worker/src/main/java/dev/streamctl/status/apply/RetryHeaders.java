package dev.streamctl.status.apply;

/**
 * The message headers an event carries through the retry queues, so that whichever
 * instance takes it next knows how often it was tried and since when.
 */
public final class RetryHeaders {

	/** How often the event was tried again so far (an integer). */
	public static final String RETRIES = "x-streamctl-retries";

	/** When its first try failed, in epoch milliseconds. */
	public static final String FIRST_FAILURE = "x-streamctl-first-failure";

	/** Present (true) when the event already waited out the reconnect grace. */
	public static final String GRACED = "x-streamctl-graced";

	private RetryHeaders() {
	}

}
