package dev.streamctl.common.topology;

/**
 * The broker objects of the status worker. {@code rabbitmq/definitions.json} declares the
 * same; a test keeps the two in agreement.
 */
public final class StatusTopology {

	/**
	 * Quorum queue of stream events to apply to the store, bound to
	 * {@link EventTopology#EXCHANGE} with {@link #EVENTS_BINDING}; single active
	 * consumer, so events are applied in order while a second instance stands by.
	 */
	public static final String EVENTS_QUEUE = "status.events";

	public static final String EVENTS_BINDING = "stream.#";

	/** Fanout exchange that takes what {@link #EVENTS_QUEUE} dead-letters. */
	public static final String DEAD_LETTER_EXCHANGE = "status.dlx";

	/**
	 * Quorum queue of events that could not be applied; re-drive them once the cause is
	 * fixed.
	 */
	public static final String DEAD_LETTER_QUEUE = "status.events.dlq";

	/**
	 * Redeliveries of one event (crashes included) after which the broker dead-letters
	 * it.
	 */
	public static final int DELIVERY_LIMIT = 10;

	/**
	 * Prefix of the queue that holds unpublish events for the reconnect grace; the full
	 * name ends in the grace in milliseconds (its {@code x-message-ttl}), so changing the
	 * grace declares a new queue.
	 */
	public static final String GRACE_QUEUE_PREFIX = "status.grace.";

	/**
	 * Quorum queue with single active consumer whose token marks the one instance that
	 * reconciles.
	 */
	public static final String LEADER_QUEUE = "status.leader";

	private StatusTopology() {
	}

	public static String graceQueue(long graceMillis) {
		return GRACE_QUEUE_PREFIX + graceMillis + "ms";
	}

}
