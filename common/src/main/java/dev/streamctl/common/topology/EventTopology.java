package dev.streamctl.common.topology;

import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;

/**
 * The names of the broker objects stream events travel through. {@code rabbitmq/definitions.json} declares
 * the same objects for deployments; a test keeps the two in agreement.
 */
public final class EventTopology {

	/** Durable topic exchange every stream event is published to, with the event's routing key. */
	public static final String EXCHANGE = "srs.events";

	/** Durable stream queue bound to every event: the replayable log of everything that happened. */
	public static final String LOG_QUEUE = "srs.events.log";

	/** Binding of {@link #LOG_QUEUE}: every routing key. */
	public static final String LOG_BINDING = "#";

	/** How long the log keeps events unless configured otherwise ({@code x-max-age}). */
	public static final String DEFAULT_LOG_RETENTION = "7D";

	public static final String PUBLISHED = StreamPublished.ROUTING_KEY;

	public static final String UNPUBLISHED = StreamUnpublished.ROUTING_KEY;

	private EventTopology() {
	}

}
