package dev.streamctl.common.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker objects of the thumbnail worker pool. {@link DeploymentTopology} lists what
 * {@code rabbitmq/definitions.json} declares: the pool's durable queues; each worker's
 * control queue and locks belong to its connection.
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
	 * unpublish events reach the worker that runs the capture. Informational events
	 * (stalled, resumed) reach it too, and change nothing there.
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

	/** The job queue, bound to publish events, and the retry queue that feeds it back. */
	public static Topology pool() {
		Map<String, Object> retry = new LinkedHashMap<>();
		retry.put("x-message-ttl", RETRY_DELAY_MILLIS);
		retry.put("x-dead-letter-exchange", "");
		retry.put("x-dead-letter-routing-key", JOBS_QUEUE);
		return new Topology(List.of(EventTopology.exchange()),
				List.of(QueueDefinition.quorum(JOBS_QUEUE, Map.of(QueueDefinition.DELIVERY_LIMIT, JOB_DELIVERY_LIMIT)),
						QueueDefinition.classic(RETRY_QUEUE, retry)),
				List.of(new BindingDefinition(EventTopology.EXCHANGE, JOBS_QUEUE, EventTopology.PUBLISHED)));
	}

	/**
	 * The control queue of the worker known by {@code workerId}; it lives as long as its
	 * connection.
	 */
	public static QueueDefinition controlQueue(String workerId) {
		return QueueDefinition.exclusiveAutoDelete(CONTROL_QUEUE_PREFIX + workerId);
	}

	/** A worker's control queue, bound to every stream event. */
	public static Topology control(QueueDefinition controlQueue) {
		if (!controlQueue.name().startsWith(CONTROL_QUEUE_PREFIX)) {
			throw new IllegalArgumentException(controlQueue.name() + " is not a control queue");
		}
		return new Topology(List.of(EventTopology.exchange()), List.of(controlQueue), List
			.of(new BindingDefinition(EventTopology.EXCHANGE, controlQueue.name(), EventTopology.EVERY_STREAM_EVENT)));
	}

	/**
	 * The queue whose exclusive ownership locks the capture of the stream with this
	 * public name.
	 */
	public static QueueDefinition lock(String publicName) {
		return QueueDefinition.exclusive(LOCK_QUEUE_PREFIX + publicName);
	}

}
