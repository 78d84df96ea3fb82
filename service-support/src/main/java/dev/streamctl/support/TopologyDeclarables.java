package dev.streamctl.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import dev.streamctl.common.topology.BindingDefinition;
import dev.streamctl.common.topology.ExchangeDefinition;
import dev.streamctl.common.topology.QueueDefinition;
import dev.streamctl.common.topology.Topology;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;

/** The one place a {@link Topology} becomes Spring AMQP declarations. */
public final class TopologyDeclarables {

	private TopologyDeclarables() {
	}

	public static Declarables of(Topology topology) {
		List<Declarable> declarables = new ArrayList<>();
		topology.exchanges().forEach(exchange -> declarables.add(exchange(exchange)));
		topology.queues().forEach(queue -> declarables.add(queue(queue)));
		topology.bindings().forEach(binding -> declarables.add(binding(binding)));
		return new Declarables(declarables);
	}

	private static Queue queue(QueueDefinition queue) {
		return new Queue(queue.name(), queue.durable(), queue.exclusive(), queue.autoDelete(),
				new HashMap<>(queue.declaredArguments()));
	}

	private static Exchange exchange(ExchangeDefinition exchange) {
		return switch (exchange.type()) {
			case TOPIC -> new TopicExchange(exchange.name(), true, false);
			case FANOUT -> new FanoutExchange(exchange.name(), true, false);
		};
	}

	private static Binding binding(BindingDefinition binding) {
		return new Binding(binding.queue(), Binding.DestinationType.QUEUE, binding.exchange(), binding.routingKey(),
				new HashMap<>());
	}

}
