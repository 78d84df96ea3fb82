package dev.streamctl.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Something that happened to a stream on an SRS server. The JSON property {@code type} of
 * an event equals the routing key it is published with on
 * {@link dev.streamctl.common.topology.EventTopology#EXCHANGE}.
 *
 * <p>
 * Consumers must treat delivery as at-least-once and possibly reordered:
 * {@link #eventId()} identifies a duplicate, {@link #session()} and {@link #occurredAt()}
 * order events of one stream.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = StreamPublished.class, name = StreamPublished.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamUnpublished.class, name = StreamUnpublished.ROUTING_KEY) })
public sealed interface StreamEvent permits StreamPublished, StreamUnpublished {

	/** The schema version this code writes and reads. */
	int SCHEMA_VERSION = 1;

	int schemaVersion();

	UUID eventId();

	Instant occurredAt();

	EventSource source();

	SrsSession session();

	/**
	 * The same event (same id and time) as re-applied from the log: source
	 * {@link EventSource#REPLAY}.
	 */
	StreamEvent replayed();

	/** The routing key this event is published with. */
	@JsonIgnore
	String routingKey();

}
