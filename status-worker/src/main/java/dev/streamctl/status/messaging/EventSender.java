package dev.streamctl.status.messaging;

import java.util.Map;

import dev.streamctl.common.event.StreamEvent;

/**
 * Sends an event and returns only once it is safe with the broker:
 * {@link ConfirmedSender} in the application, a recording stand-in in unit tests.
 */
public interface EventSender {

	/**
	 * Sends the event with the routing key and waits for the broker's confirm.
	 * @throws org.springframework.amqp.AmqpException when the broker did not confirm the
	 * event
	 */
	default void send(String exchange, String routingKey, StreamEvent event) {
		send(exchange, routingKey, event, Map.of());
	}

	/**
	 * Sends the event with these message headers as well, and waits for the broker's
	 * confirm.
	 * @throws org.springframework.amqp.AmqpException when the broker did not confirm the
	 * event
	 */
	void send(String exchange, String routingKey, StreamEvent event, Map<String, Object> headers);

}
