package dev.streamctl.common.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamctl.common.event.SrsHeartbeat;

/**
 * The broker objects of the status worker. {@link DeploymentTopology} lists what
 * {@code rabbitmq/definitions.json} declares: all of these but the grace queue, whose
 * name depends on the configured grace.
 */
public final class StatusTopology {

	/**
	 * Quorum queue of stream events to apply to the store, bound to
	 * {@link EventTopology#EXCHANGE} with each of
	 * {@link EventTopology#LIVE_STATE_EVENTS}, so informational events do not reach it
	 * (on a broker that still has the {@code stream.#} binding of earlier versions, they
	 * do, and are acknowledged without effect); single active consumer, so events are
	 * applied in order while a second instance stands by.
	 */
	public static final String EVENTS_QUEUE = "status.events";

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
	 * Prefix of the queues where events wait before they are tried again after the store
	 * (or SRS's API) failed transiently; the full name ends in the delay in milliseconds
	 * (its {@code x-message-ttl}), one queue per step of the backoff.
	 */
	public static final String RETRY_QUEUE_PREFIX = "status.retry.";

	/**
	 * The status worker's default reconnect grace ({@code status.reconnect-grace}), whose
	 * queue {@link DeploymentTopology} declares.
	 */
	public static final Duration DEFAULT_RECONNECT_GRACE = Duration.ofSeconds(10);

	/**
	 * The waits of the status worker's default retry backoff
	 * ({@code status.retry-backoff} 1s doubling up to {@code status.retry-max-backoff}
	 * 5s), whose queues {@link DeploymentTopology} declares.
	 */
	public static final List<Duration> DEFAULT_RETRY_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
			Duration.ofSeconds(4), Duration.ofSeconds(5));

	/**
	 * Quorum queue with single active consumer whose token marks the one instance that
	 * reconciles.
	 */
	public static final String LEADER_QUEUE = "status.leader";

	private StatusTopology() {
	}

	/**
	 * Prefix of each status worker's exclusive servers queue, bound to the heartbeats and
	 * the live-state events: how every instance learns which SRS runs which stream.
	 */
	public static final String SERVERS_QUEUE_PREFIX = "status.servers.";

	/**
	 * The servers queue of the instance known by {@code instanceId}; it lives as long as
	 * its connection.
	 */
	public static QueueDefinition serversQueue(String instanceId) {
		return QueueDefinition.exclusiveAutoDelete(SERVERS_QUEUE_PREFIX + instanceId);
	}

	/**
	 * An instance's servers queue, bound to {@code srs.heartbeat} and the live-state
	 * events.
	 */
	public static Topology servers(QueueDefinition serversQueue) {
		if (!serversQueue.name().startsWith(SERVERS_QUEUE_PREFIX)) {
			throw new IllegalArgumentException(serversQueue.name() + " is not a servers queue");
		}
		List<BindingDefinition> bindings = new ArrayList<>();
		bindings.add(new BindingDefinition(EventTopology.EXCHANGE, serversQueue.name(), SrsHeartbeat.ROUTING_KEY));
		EventTopology.LIVE_STATE_EVENTS
			.forEach(key -> bindings.add(new BindingDefinition(EventTopology.EXCHANGE, serversQueue.name(), key)));
		return new Topology(List.of(EventTopology.exchange()), List.of(serversQueue), bindings);
	}

	public static String graceQueue(long graceMillis) {
		return GRACE_QUEUE_PREFIX + graceMillis + "ms";
	}

	public static String retryQueue(long delayMillis) {
		return RETRY_QUEUE_PREFIX + delayMillis + "ms";
	}

	/**
	 * The events queue with its dead-letter exchange and queue, and the leader queue. The
	 * dead-letter queue and the leader queue never drop a message for its returns
	 * ({@link QueueDefinition#UNLIMITED_DELIVERIES}): a dead letter waits for an operator
	 * however often it is looked at, and the leader token comes back each time a leader
	 * dies; losing either loses data or leadership silently.
	 */
	public static Topology queues() {
		List<BindingDefinition> bindings = new ArrayList<>();
		EventTopology.LIVE_STATE_EVENTS
			.forEach(key -> bindings.add(new BindingDefinition(EventTopology.EXCHANGE, EVENTS_QUEUE, key)));
		bindings.add(new BindingDefinition(DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, ""));
		Map<String, Object> events = new LinkedHashMap<>();
		events.put("x-single-active-consumer", true);
		events.put("x-dead-letter-exchange", DEAD_LETTER_EXCHANGE);
		events.put("x-dead-letter-strategy", "at-least-once");
		events.put("x-overflow", "reject-publish");
		events.put(QueueDefinition.DELIVERY_LIMIT, DELIVERY_LIMIT);
		Map<String, Object> leader = new LinkedHashMap<>();
		leader.put("x-single-active-consumer", true);
		leader.put(QueueDefinition.DELIVERY_LIMIT, QueueDefinition.UNLIMITED_DELIVERIES);
		return new Topology(List.of(EventTopology.exchange(), ExchangeDefinition.fanout(DEAD_LETTER_EXCHANGE)),
				List.of(QueueDefinition.quorum(EVENTS_QUEUE, events),
						QueueDefinition.quorum(DEAD_LETTER_QUEUE,
								Map.of(QueueDefinition.DELIVERY_LIMIT, QueueDefinition.UNLIMITED_DELIVERIES)),
						QueueDefinition.quorum(LEADER_QUEUE, leader)),
				bindings);
	}

	/**
	 * The queue where an unpublish waits out the reconnect grace: a classic queue whose
	 * messages expire after the grace into {@link #EVENTS_QUEUE}, through the default
	 * exchange.
	 */
	public static Topology grace(Duration grace) {
		return Topology.of(delayQueue(graceQueue(positiveMillis(grace)), grace));
	}

	/**
	 * The queues where events wait before they are tried again, one per delay: classic
	 * queues whose messages expire after their delay into {@link #EVENTS_QUEUE}.
	 */
	public static Topology retry(List<Duration> delays) {
		return new Topology(List.of(),
				delays.stream().map(delay -> delayQueue(retryQueue(positiveMillis(delay)), delay)).toList(), List.of());
	}

	private static QueueDefinition delayQueue(String name, Duration delay) {
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("x-message-ttl", delay.toMillis());
		arguments.put("x-dead-letter-exchange", "");
		arguments.put("x-dead-letter-routing-key", EVENTS_QUEUE);
		return QueueDefinition.classic(name, arguments);
	}

	private static long positiveMillis(Duration delay) {
		long millis = delay.toMillis();
		if (millis <= 0) {
			throw new IllegalArgumentException("a delay queue needs a positive delay, not " + delay);
		}
		return millis;
	}

}
