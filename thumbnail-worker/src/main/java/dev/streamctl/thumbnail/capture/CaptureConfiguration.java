package dev.streamctl.thumbnail.capture;

import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.directory.ChannelDirectory;
import dev.streamctl.common.directory.SupabaseChannelDirectory;
import dev.streamctl.common.directory.SupabaseSettings;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.ThumbnailTopology;
import com.rabbitmq.client.ShutdownSignalException;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SupabaseSettings.class)
class CaptureConfiguration {

	/** Listener containers stop after the capture service has handed its jobs back. */
	private static final int LISTENER_PHASE = Integer.MAX_VALUE - 1000;

	@Bean
	EventCodec eventCodec() {
		return new EventCodec();
	}

	@Bean
	ChannelDirectory channelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
		return new SupabaseChannelDirectory(builder, settings);
	}

	@Bean
	RabbitAdmin rabbitAdmin(ConnectionFactory connectionFactory) {
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		admin.setIgnoreDeclarationExceptions(true);
		return admin;
	}

	@Bean
	Declarables eventTopology() {
		return EventTopology.declarables(EventTopology.DEFAULT_LOG_RETENTION);
	}

	/** The durable pool queues; {@code rabbitmq/definitions.json} declares the same. */
	@Bean
	Declarables captureTopology() {
		TopicExchange events = EventTopology.exchange();
		Queue jobs = QueueBuilder.durable(ThumbnailTopology.JOBS_QUEUE)
			.withArguments(Map.of("x-queue-type", "quorum", "x-delivery-limit", ThumbnailTopology.JOB_DELIVERY_LIMIT))
			.build();
		Queue retry = QueueBuilder.durable(ThumbnailTopology.RETRY_QUEUE)
			.withArguments(Map.of("x-message-ttl", ThumbnailTopology.RETRY_DELAY_MILLIS, "x-dead-letter-exchange", "",
					"x-dead-letter-routing-key", ThumbnailTopology.JOBS_QUEUE))
			.build();
		return new Declarables(jobs, retry, BindingBuilder.bind(jobs).to(events).with(EventTopology.PUBLISHED));
	}

	/**
	 * This worker's own queue of every stream event; it lives as long as the worker's
	 * connection.
	 */
	@Bean
	Queue controlQueue() {
		return new Queue(ThumbnailTopology.CONTROL_QUEUE_PREFIX + UUID.randomUUID(), false, true, true);
	}

	@Bean
	Declarables controlBinding(Queue controlQueue) {
		return new Declarables(BindingBuilder.bind(controlQueue).to(EventTopology.exchange()).with("stream.#"));
	}

	@Bean
	SimpleRabbitListenerContainerFactory captureJobListenerFactory(ConnectionFactory connectionFactory,
			CaptureSettings settings) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		factory.setPrefetchCount(settings.maxCaptures());
		factory.setConcurrentConsumers(1);
		factory.setPhase(LISTENER_PHASE);
		return factory;
	}

	@Bean
	SimpleRabbitListenerContainerFactory controlListenerFactory(ConnectionFactory connectionFactory) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
		factory.setPrefetchCount(50);
		factory.setDefaultRequeueRejected(false);
		factory.setPhase(LISTENER_PHASE);
		return factory;
	}

	/**
	 * Losing the connection loses every lock and job with it: stop the captures that
	 * relied on them.
	 */
	@Bean
	ConnectionListener captureConnectionWatch(AbstractConnectionFactory connectionFactory, CaptureService captures) {
		ConnectionListener listener = new ConnectionListener() {
			@Override
			public void onCreate(@Nullable Connection connection) {
			}

			@Override
			public void onShutDown(ShutdownSignalException signal) {
				if (!signal.isInitiatedByApplication()) {
					captures.connectionLost();
				}
			}
		};
		connectionFactory.addConnectionListener(listener);
		return listener;
	}

}
