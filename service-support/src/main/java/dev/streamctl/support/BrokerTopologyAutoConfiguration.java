package dev.streamctl.support;

import dev.streamctl.common.topology.Topology;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Declares a service's broker topology on every (re)connection: the union of the
 * {@link Topology} beans the service defines (the parts it uses, from
 * {@code dev.streamctl.common.topology}), through an admin that logs a declaration the
 * broker refuses and goes on. Ordered before Boot's {@link RabbitAutoConfiguration},
 * whose plain admin then backs off.
 */
@AutoConfiguration(before = RabbitAutoConfiguration.class)
@ConditionalOnClass(RabbitAdmin.class)
class BrokerTopologyAutoConfiguration {

	/** The bean that holds the declarations of every {@link Topology} bean. */
	static final String TOPOLOGY_BEAN = "brokerTopology";

	/**
	 * An admin that does not stop at a refused declaration: an object that exists with
	 * other arguments (the log declared by the gateway with another retention, a queue
	 * from before its arguments changed) stays as it is, the refusal is logged, and the
	 * service starts with what exists.
	 */
	@Bean
	@ConditionalOnMissingBean(AmqpAdmin.class)
	RabbitAdmin rabbitAdmin(ConnectionFactory connectionFactory) {
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		admin.setIgnoreDeclarationExceptions(true);
		return admin;
	}

	@Bean(TOPOLOGY_BEAN)
	@ConditionalOnMissingBean(name = TOPOLOGY_BEAN)
	Declarables brokerTopology(ObjectProvider<Topology> parts) {
		return TopologyDeclarables.of(parts.orderedStream().reduce(Topology.empty(), Topology::plus));
	}

}
