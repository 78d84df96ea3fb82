package dev.streamctl.status.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.directory.ChannelDirectory;
import dev.streamctl.common.directory.SupabaseChannelDirectory;
import dev.streamctl.common.directory.SupabaseSettings;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.StatusTopology;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SupabaseSettings.class)
class StatusConfiguration {

	static final String LISTENER_FACTORY = "statusBatchListenerFactory";

	@Bean
	EventCodec eventCodec() {
		return new EventCodec();
	}

	@Bean
	ChannelDirectory channelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
		return new SupabaseChannelDirectory(builder, settings);
	}

	/**
	 * The event topology, so that the log exists whichever service starts first; a log
	 * declared elsewhere with another retention is left as it is.
	 */
	@Bean
	Declarables eventTopology() {
		return EventTopology.declarables(EventTopology.DEFAULT_LOG_RETENTION);
	}

	@Bean
	RabbitAdmin rabbitAdmin(ConnectionFactory connectionFactory) {
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		admin.setIgnoreDeclarationExceptions(true);
		return admin;
	}

	/**
	 * The status worker's queues; {@code rabbitmq/definitions.json} declares the same but
	 * the grace queue.
	 */
	@Bean
	Declarables statusTopology(StatusSettings settings) {
		TopicExchange events = EventTopology.exchange();
		FanoutExchange deadLetters = new FanoutExchange(StatusTopology.DEAD_LETTER_EXCHANGE, true, false);
		Queue queue = QueueBuilder.durable(StatusTopology.EVENTS_QUEUE)
			.withArguments(Map.of("x-queue-type", "quorum", "x-single-active-consumer", true, "x-dead-letter-exchange",
					StatusTopology.DEAD_LETTER_EXCHANGE, "x-dead-letter-strategy", "at-least-once", "x-overflow",
					"reject-publish", "x-delivery-limit", StatusTopology.DELIVERY_LIMIT))
			.build();
		Queue deadLetterQueue = QueueBuilder.durable(StatusTopology.DEAD_LETTER_QUEUE)
			.withArguments(Map.of("x-queue-type", "quorum"))
			.build();
		Queue leader = QueueBuilder.durable(StatusTopology.LEADER_QUEUE)
			.withArguments(Map.of("x-queue-type", "quorum", "x-single-active-consumer", true))
			.build();
		Binding binding = BindingBuilder.bind(queue).to(events).with(StatusTopology.EVENTS_BINDING);
		Binding deadLetterBinding = BindingBuilder.bind(deadLetterQueue).to(deadLetters);
		List<Declarable> declarables = new ArrayList<>(
				List.of(events, deadLetters, queue, deadLetterQueue, leader, binding, deadLetterBinding));
		if (!settings.reconnectGrace().isZero()) {
			declarables.add(graceQueue(settings.reconnectGrace().toMillis()));
		}
		return new Declarables(declarables);
	}

	private static Queue graceQueue(long millis) {
		return QueueBuilder.durable(StatusTopology.graceQueue(millis))
			.withArguments(Map.of("x-message-ttl", millis, "x-dead-letter-exchange", "", "x-dead-letter-routing-key",
					StatusTopology.EVENTS_QUEUE))
			.build();
	}

	/**
	 * Batches for collapsing and parallel writes; each delivery settled by the listener.
	 */
	@Bean(LISTENER_FACTORY)
	SimpleRabbitListenerContainerFactory statusBatchListenerFactory(ConnectionFactory connectionFactory,
			StatusSettings settings) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		factory.setBatchListener(true);
		factory.setConsumerBatchEnabled(true);
		factory.setBatchSize(settings.batchSize());
		factory.setPrefetchCount(settings.batchSize());
		factory.setReceiveTimeout(50L);
		factory.setConcurrentConsumers(1);
		factory.setDefaultRequeueRejected(false);
		return factory;
	}

}
