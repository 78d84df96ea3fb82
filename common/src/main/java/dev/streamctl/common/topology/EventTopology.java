package dev.streamctl.common.topology;

import java.util.List;

import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.event.StreamUnpublished;

/**
 * The broker objects stream events travel through: the exchange every event is published
 * to and the log that keeps them. {@link DeploymentTopology} lists what
 * {@code rabbitmq/definitions.json} declares.
 */
public final class EventTopology {

	/**
	 * Durable topic exchange every event is published to, with the event's routing key:
	 * the stream events, and the SRS servers' {@link #HEARTBEAT}s.
	 */
	public static final String EXCHANGE = "srs.events";

	/**
	 * Durable stream queue bound to every event, heartbeats included: the replayable log
	 * of everything that happened.
	 */
	public static final String LOG_QUEUE = "srs.events.log";

	/** Binding of {@link #LOG_QUEUE}: every routing key. */
	public static final String LOG_BINDING = "#";

	/**
	 * Binding pattern that matches every stream event: {@link #PUBLISHED},
	 * {@link #UNPUBLISHED}, and the informational {@link #STALLED} and {@link #RESUMED};
	 * not {@link #HEARTBEAT}.
	 */
	public static final String EVERY_STREAM_EVENT = "stream.#";

	/** How long the log keeps events unless configured otherwise ({@code x-max-age}). */
	public static final String DEFAULT_LOG_RETENTION = "7D";

	public static final String PUBLISHED = StreamPublished.ROUTING_KEY;

	public static final String UNPUBLISHED = StreamUnpublished.ROUTING_KEY;

	public static final String STALLED = StreamStalled.ROUTING_KEY;

	public static final String RESUMED = StreamResumed.ROUTING_KEY;

	/**
	 * An SRS server's heartbeat: outside {@link #EVERY_STREAM_EVENT}, so only the log and
	 * a consumer bound to this key get it.
	 */
	public static final String HEARTBEAT = SrsHeartbeat.ROUTING_KEY;

	/**
	 * The routing keys of the events that start or end a publisher's session: all a
	 * consumer that keeps live state needs.
	 */
	public static final List<String> LIVE_STATE_EVENTS = List.of(PUBLISHED, UNPUBLISHED);

	private EventTopology() {
	}

	public static ExchangeDefinition exchange() {
		return ExchangeDefinition.topic(EXCHANGE);
	}

	/**
	 * The exchange and the log stream bound to it. Every service declares them, so that
	 * the log exists whichever starts first; the gateway with its configured retention,
	 * the others with the default.
	 * @param retention the log's {@code x-max-age}, e.g. {@code 7D}
	 */
	public static Topology log(String retention) {
		QueueDefinition log = QueueDefinition.stream(LOG_QUEUE, retention);
		return new Topology(List.of(exchange()), List.of(log),
				List.of(new BindingDefinition(EXCHANGE, LOG_QUEUE, LOG_BINDING)));
	}

}
