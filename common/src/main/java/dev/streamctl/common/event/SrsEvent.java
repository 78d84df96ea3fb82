package dev.streamctl.common.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Everything published on {@link dev.streamctl.common.topology.EventTopology#EXCHANGE}:
 * the {@link StreamEvent}s of SRS's streams, and the {@link SrsHeartbeat}s of the SRS
 * servers themselves. The JSON property {@code type} of an event equals the routing key
 * it is published with.
 *
 * <p>
 * A consumer bound to stream events only reads {@link StreamEvent}; a reader of the whole
 * log ({@code srs.events.log}, bound to every key) reads this type and leaves out what it
 * has no use for.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = StreamPublished.class, name = StreamPublished.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamUnpublished.class, name = StreamUnpublished.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamStalled.class, name = StreamStalled.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamResumed.class, name = StreamResumed.ROUTING_KEY),
		@JsonSubTypes.Type(value = SrsHeartbeat.class, name = SrsHeartbeat.ROUTING_KEY) })
public sealed interface SrsEvent permits StreamEvent, SrsHeartbeat {

	/** The schema version this code writes and reads. */
	int SCHEMA_VERSION = 1;

	int schemaVersion();

	UUID eventId();

	Instant occurredAt();

	EventSource source();

	/** The routing key this event is published with. */
	@JsonIgnore
	String routingKey();

}
