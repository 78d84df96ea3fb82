package dev.streamctl.common.topology;

/**
 * The broker objects of the thumbnail worker pool. {@code rabbitmq/definitions.json}
 * declares the durable ones; a test keeps the two in agreement.
 */
public final class ThumbnailTopology {

	/**
	 * Quorum queue of capture jobs, one per publish, bound to
	 * {@link EventTopology#EXCHANGE} with {@link EventTopology#PUBLISHED}. A job stays
	 * unacknowledged while its capture runs, so the jobs of a worker that dies are
	 * redelivered to the others, and the prefetch bounds each worker.
	 */
	public static final String JOBS_QUEUE = "thumbnail.captures";

	/**
	 * Redeliveries of a job before the broker drops it; high, since every worker death
	 * counts one.
	 */
	public static final int JOB_DELIVERY_LIMIT = 1000;

	/**
	 * Classic queue where a job whose stream another worker already captures waits
	 * {@link #RETRY_DELAY_MILLIS} before it returns to {@link #JOBS_QUEUE}, in case that
	 * capture is ending.
	 */
	public static final String RETRY_QUEUE = "thumbnail.captures.retry";

	public static final int RETRY_DELAY_MILLIS = 2000;

	/**
	 * Prefix of each worker's exclusive control queue, bound to every stream event: how
	 * unpublish events reach the worker that runs the capture.
	 */
	public static final String CONTROL_QUEUE_PREFIX = "thumbnail.control.";

	/**
	 * Prefix of the exclusive queue that locks one stream's capture to one worker's
	 * connection; the broker deletes it when that connection dies. The name ends in the
	 * stream's public name, never its key.
	 */
	public static final String LOCK_QUEUE_PREFIX = "thumbnail.lock.";

	private ThumbnailTopology() {
	}

}
