package dev.streamctl.status.servers;

import java.util.UUID;

import dev.streamctl.common.topology.QueueDefinition;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.Topology;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ServerConfiguration {

	/** This instance's servers queue; it lives as long as its connection. */
	@Bean
	QueueDefinition serversQueue() {
		return StatusTopology.serversQueue(UUID.randomUUID().toString());
	}

	@Bean
	Topology serversTopology(QueueDefinition serversQueue) {
		return StatusTopology.servers(serversQueue);
	}

	@Bean
	SimpleRabbitListenerContainerFactory serversListenerFactory(ConnectionFactory connectionFactory) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
		factory.setPrefetchCount(100);
		factory.setDefaultRequeueRejected(false);
		return factory;
	}

}
