package dev.streamctl.common.topology;

import java.util.Map;

import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

/**
 * The names of the broker objects stream events travel through.
 * {@code rabbitmq/definitions.json} declares the same objects for deployments; a test
 * keeps the two in agreement.
 */
public final class EventTopology {

	/**
	 * Durable topic exchange every stream event is published to, with the event's routing
	 * key.
	 */
	public static final String EXCHANGE = "srs.events";

	/**
	 * Durable stream queue bound to every event: the replayable log of everything that
	 * happened.
	 */
	public static final String LOG_QUEUE = "srs.events.log";

	/** Binding of {@link #LOG_QUEUE}: every routing key. */
	public static final String LOG_BINDING = "#";

	/** How long the log keeps events unless configured otherwise ({@code x-max-age}). */
	public static final String DEFAULT_LOG_RETENTION = "7D";

	public static final String PUBLISHED = StreamPublished.ROUTING_KEY;

	public static final String UNPUBLISHED = StreamUnpublished.ROUTING_KEY;

	private EventTopology() {
	}

	/** The exchange, as every service declares it. */
	public static TopicExchange exchange() {
		return new TopicExchange(EXCHANGE, true, false);
	}

	/**
	 * The exchange, the log stream with the given retention ({@code x-max-age}) and their
	 * binding.
	 */
	public static Declarables declarables(String logRetention) {
		TopicExchange exchange = exchange();
		Queue log = QueueBuilder.durable(LOG_QUEUE)
			.withArguments(Map.of("x-queue-type", "stream", "x-max-age", logRetention))
			.build();
		return new Declarables(exchange, log, BindingBuilder.bind(log).to(exchange).with(LOG_BINDING));
	}

}
