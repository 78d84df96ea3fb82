package dev.streamctl.status.messaging;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.event.StreamEvent;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends an event and returns only once the broker confirmed it; otherwise throws
 * {@link AmqpException}.
 */
@Component
public class ConfirmedSender implements EventSender {

	private static final long CONFIRM_TIMEOUT_SECONDS = 10;

	private final RabbitTemplate rabbit;

	private final EventCodec codec;

	ConfirmedSender(RabbitTemplate rabbit, EventCodec codec) {
		this.rabbit = rabbit;
		this.codec = codec;
	}

	@Override
	public void send(String exchange, String routingKey, StreamEvent event, Map<String, Object> headers) {
		CorrelationData correlation = new CorrelationData(event.eventId().toString());
		Message message = EventMessages.toMessage(event, this.codec.encode(event));
		headers.forEach(message.getMessageProperties()::setHeader);
		this.rabbit.send(exchange, routingKey, message, correlation);
		CorrelationData.Confirm confirm;
		try {
			confirm = correlation.getFuture().get(CONFIRM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AmqpException("interrupted while sending event " + event.eventId(), ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new AmqpException(
					"no confirm for event " + event.eventId() + " within " + CONFIRM_TIMEOUT_SECONDS + " s", ex);
		}
		if (!confirm.ack() || correlation.getReturned() != null) {
			throw new AmqpException("the broker did not take event " + event.eventId() + " to " + routingKey);
		}
	}

}
