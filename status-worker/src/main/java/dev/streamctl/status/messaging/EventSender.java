package dev.streamctl.status.messaging;

import dev.streamctl.common.event.StreamEvent;

import org.springframework.amqp.AmqpException;

/**
 * Sends an event and returns only once it is safe with the broker:
 * {@link ConfirmedSender} in the application, a recording stand-in in unit tests.
 */
public interface EventSender {

	/**
	 * Sends the event with the routing key and waits for the broker's confirm.
	 * @throws AmqpException when the broker did not confirm the event
	 */
	void send(String exchange, String routingKey, StreamEvent event);

}
