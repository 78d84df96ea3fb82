package dev.streamctl.common.codec;

import java.util.Date;

import dev.streamctl.common.event.SrsEvent;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;

/**
 * The AMQP message of an event, as {@code docs/events.md} describes it: persistent,
 * {@code message_id} the event id, {@code type} the routing key, JSON body. No header
 * carries the stream key. The same for every event of the exchange, heartbeats included.
 */
public final class EventMessages {

	private EventMessages() {
	}

	public static Message toMessage(SrsEvent event, byte[] body) {
		return MessageBuilder.withBody(body)
			.setDeliveryMode(MessageDeliveryMode.PERSISTENT)
			.setMessageId(event.eventId().toString())
			.setContentType(EventCodec.CONTENT_TYPE)
			.setType(event.routingKey())
			.setTimestamp(Date.from(event.occurredAt()))
			.build();
	}

}
