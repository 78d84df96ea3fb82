package dev.streamctl.common.topology;

import java.util.Objects;

/**
 * A binding of a queue to an exchange, without binding arguments.
 *
 * @param exchange the source exchange's name
 * @param queue the destination queue's name
 * @param routingKey the routing key, or pattern for a topic exchange; empty for a fanout
 * exchange
 */
public record BindingDefinition(String exchange, String queue, String routingKey) {

	public BindingDefinition {
		Objects.requireNonNull(exchange, "exchange");
		Objects.requireNonNull(queue, "queue");
		Objects.requireNonNull(routingKey, "routingKey");
	}

}
