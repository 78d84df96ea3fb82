package dev.streamctl.status.apply;

import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.Topology;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StatusConfiguration {

	static final String LISTENER_FACTORY = "statusBatchListenerFactory";

	/**
	 * The event exchange and log with the default retention, so that the log exists
	 * whichever service starts first; a log declared elsewhere with another retention is
	 * left as it is.
	 */
	@Bean
	Topology eventTopology() {
		return EventTopology.log(EventTopology.DEFAULT_LOG_RETENTION);
	}

	/**
	 * The status worker's queues, its retry queues, and the grace queue when there is a
	 * reconnect grace.
	 */
	@Bean
	Topology statusTopology(StatusSettings settings) {
		Topology queues = StatusTopology.queues().plus(StatusTopology.retry(settings.retryDelays()));
		return settings.reconnectGrace().isZero() ? queues
				: queues.plus(StatusTopology.grace(settings.reconnectGrace()));
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
		// the next batch is on its way while one is applied
		factory.setPrefetchCount(2 * settings.batchSize());
		factory.setReceiveTimeout(settings.batchWait().toMillis());
		// a batch is handed over this long after its first event at the latest, however
		// steadily events keep coming
		factory.setBatchReceiveTimeout(settings.batchWait().toMillis());
		factory.setConcurrentConsumers(1);
		factory.setDefaultRequeueRejected(false);
		return factory;
	}

}
