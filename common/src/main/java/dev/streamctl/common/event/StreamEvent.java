package dev.streamctl.common.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Something that happened to a stream on an SRS server. The JSON property {@code type} of
 * an event equals the routing key it is published with on
 * {@link dev.streamctl.common.topology.EventTopology#EXCHANGE}; every such key matches
 * {@link dev.streamctl.common.topology.EventTopology#EVERY_STREAM_EVENT}. The other
 * events of that exchange ({@link SrsHeartbeat}) are not stream events: reading one as a
 * stream event fails like reading a malformed one.
 *
 * <p>
 * Consumers must treat delivery as at-least-once and possibly reordered:
 * {@link #eventId()} identifies a duplicate, {@link #session()} and {@link #occurredAt()}
 * order events of one stream.
 *
 * <p>
 * Only {@link StreamPublished} and {@link StreamUnpublished} say whether a stream is live
 * ({@link #changesLiveState()}); the others ({@link StreamStalled},
 * {@link StreamResumed}) are informational, and a consumer that keeps live state
 * acknowledges them and changes nothing.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = StreamPublished.class, name = StreamPublished.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamUnpublished.class, name = StreamUnpublished.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamStalled.class, name = StreamStalled.ROUTING_KEY),
		@JsonSubTypes.Type(value = StreamResumed.class, name = StreamResumed.ROUTING_KEY) })
public sealed interface StreamEvent extends SrsEvent
		permits StreamPublished, StreamUnpublished, StreamStalled, StreamResumed {

	SrsSession session();

	/**
	 * The same event (same id and time) as re-applied from the log: source
	 * {@link EventSource#REPLAY}.
	 */
	StreamEvent replayed();

	/**
	 * Whether this event starts or ends a publisher's session, and so may change whether
	 * the stream is live; false for an informational event, which a consumer that keeps
	 * live state acknowledges without effect.
	 */
	@JsonIgnore
	boolean changesLiveState();

}
