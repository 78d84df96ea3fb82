package dev.streamctl.common.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A queue: its name, type, lifetime and optional arguments ({@code x-...}), exactly as it
 * is declared. Construction refuses what behaves differently across the broker versions
 * we run (see {@code docs/rabbitmq-versions.md}): a quorum queue without an explicit
 * delivery limit (4.0 defaults it to 20), a delivery limit below one (3.10 drops a
 * message at its first return with 0 or -1, which 4.x reads as "unlimited"), and a queue
 * that is neither durable nor exclusive (refused by default from 4.3).
 *
 * @param name the queue's name
 * @param type the queue type; the {@code x-queue-type} argument follows from it
 * @param lifetime how long the queue lives
 * @param arguments the optional arguments other than {@code x-queue-type}, in declaration
 * order
 */
public record QueueDefinition(String name, Type type, Lifetime lifetime, Map<String, Object> arguments) {

	/** The argument that names a queue's type. */
	public static final String QUEUE_TYPE = "x-queue-type";

	/** The argument that bounds how often a quorum queue hands a message out again. */
	public static final String DELIVERY_LIMIT = "x-delivery-limit";

	/**
	 * The delivery limit of a quorum queue whose messages the broker must never drop for
	 * having come back too often (a leadership token, dead letters waiting for an
	 * operator). A large positive number rather than -1: 4.x reads -1 as "unlimited" but
	 * 3.10 drops a message at its first return with it.
	 */
	public static final int UNLIMITED_DELIVERIES = 1_000_000;

	public QueueDefinition {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(lifetime, "lifetime");
		arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
		if (name.isEmpty()) {
			throw new IllegalArgumentException("a queue needs a name: server-named queues are not described");
		}
		if (arguments.containsKey(QUEUE_TYPE)) {
			throw new IllegalArgumentException(name + ": give the type as the type, not as " + QUEUE_TYPE);
		}
		if (type != Type.CLASSIC && lifetime != Lifetime.DURABLE) {
			throw new IllegalArgumentException(name + ": a " + type.brokerName + " queue is always durable");
		}
		Object limit = arguments.get(DELIVERY_LIMIT);
		if (type == Type.QUORUM && limit == null) {
			throw new IllegalArgumentException(name + ": a quorum queue needs an explicit " + DELIVERY_LIMIT
					+ " (RabbitMQ 4.0 defaults it to 20); use " + UNLIMITED_DELIVERIES + " for none");
		}
		if (limit != null && !(limit instanceof Integer count && count > 0)) {
			throw new IllegalArgumentException(name + ": " + DELIVERY_LIMIT + " must be a positive int, not " + limit);
		}
	}

	/**
	 * A durable quorum queue; {@code arguments} must hold its {@value #DELIVERY_LIMIT}.
	 */
	public static QueueDefinition quorum(String name, Map<String, Object> arguments) {
		return new QueueDefinition(name, Type.QUORUM, Lifetime.DURABLE, arguments);
	}

	/**
	 * A durable stream that keeps what it holds for {@code maxAge} ({@code x-max-age},
	 * e.g. {@code 7D}).
	 */
	public static QueueDefinition stream(String name, String maxAge) {
		return new QueueDefinition(name, Type.STREAM, Lifetime.DURABLE, Map.of("x-max-age", maxAge));
	}

	/** A durable classic queue. */
	public static QueueDefinition classic(String name, Map<String, Object> arguments) {
		return new QueueDefinition(name, Type.CLASSIC, Lifetime.DURABLE, arguments);
	}

	/**
	 * A classic queue owned by the connection that declares it: others cannot use it; it
	 * dies with it.
	 */
	public static QueueDefinition exclusive(String name) {
		return new QueueDefinition(name, Type.CLASSIC, Lifetime.EXCLUSIVE, Map.of());
	}

	/**
	 * An {@link #exclusive(String) exclusive} queue that also goes when its last consumer
	 * does.
	 */
	public static QueueDefinition exclusiveAutoDelete(String name) {
		return new QueueDefinition(name, Type.CLASSIC, Lifetime.EXCLUSIVE_AUTO_DELETE, Map.of());
	}

	/**
	 * The arguments as sent to the broker: {@value #QUEUE_TYPE} first (absent for a
	 * classic queue, which is what existing classic queues were declared with), then the
	 * others in order.
	 */
	public Map<String, Object> declaredArguments() {
		Map<String, Object> declared = new LinkedHashMap<>();
		if (this.type != Type.CLASSIC) {
			declared.put(QUEUE_TYPE, this.type.brokerName);
		}
		declared.putAll(this.arguments);
		return Collections.unmodifiableMap(declared);
	}

	public boolean durable() {
		return this.lifetime == Lifetime.DURABLE;
	}

	public boolean exclusive() {
		return this.lifetime != Lifetime.DURABLE;
	}

	public boolean autoDelete() {
		return this.lifetime == Lifetime.EXCLUSIVE_AUTO_DELETE;
	}

	/** The queue types in use, with the name {@value #QUEUE_TYPE} gives them. */
	public enum Type {

		CLASSIC("classic"), QUORUM("quorum"), STREAM("stream");

		private final String brokerName;

		Type(String brokerName) {
			this.brokerName = brokerName;
		}

		public String brokerName() {
			return this.brokerName;
		}

	}

	/**
	 * How long a queue lives. There is deliberately no transient shared queue (neither
	 * durable nor exclusive): RabbitMQ 4.x deprecates them and 4.3 refuses them by
	 * default.
	 */
	public enum Lifetime {

		/** Survives broker restarts; deleted only on purpose. */
		DURABLE,

		/** Belongs to the declaring connection and is deleted with it. */
		EXCLUSIVE,

		/**
		 * Belongs to the declaring connection, and is also deleted when its last consumer
		 * cancels.
		 */
		EXCLUSIVE_AUTO_DELETE

	}

}
