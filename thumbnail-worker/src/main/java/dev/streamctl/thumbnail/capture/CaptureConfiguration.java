package dev.streamctl.thumbnail.capture;

import java.util.UUID;

import com.rabbitmq.client.ShutdownSignalException;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.QueueDefinition;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.common.topology.Topology;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CaptureConfiguration {

	/** Listener containers stop after the capture service has handed its jobs back. */
	private static final int LISTENER_PHASE = Integer.MAX_VALUE - 1000;

	/**
	 * The event exchange and log, so that the log exists whichever service starts first.
	 */
	@Bean
	Topology eventTopology() {
		return EventTopology.log(EventTopology.DEFAULT_LOG_RETENTION);
	}

	/** The durable pool queues. */
	@Bean
	Topology captureTopology() {
		return ThumbnailTopology.pool();
	}

	/**
	 * This worker's own queue of every stream event; it lives as long as the worker's
	 * connection.
	 */
	@Bean
	QueueDefinition controlQueue() {
		return ThumbnailTopology.controlQueue(UUID.randomUUID().toString());
	}

	@Bean
	Topology controlTopology(QueueDefinition controlQueue) {
		return ThumbnailTopology.control(controlQueue);
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
