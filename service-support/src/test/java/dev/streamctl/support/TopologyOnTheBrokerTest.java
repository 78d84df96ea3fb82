package dev.streamctl.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.streamctl.common.test.RepositoryFiles;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.topology.DeploymentTopology;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.ExchangeDefinition;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.common.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** The declarations against the real broker, each test in a vhost of its own. */
class TopologyOnTheBrokerTest {

	private final TestBroker broker = TestBroker.get();

	@Test
	void aRefusedDeclarationIsLoggedAndTheRestOfTheTopologyIsStillDeclared() {
		String vhost = this.broker.createVhost("support-refused");
		try (TestRabbit rabbit = new TestRabbit(this.broker, vhost)) {
			// the gateway declared the log first, with a retention of its own
			rabbit.admin()
				.declareQueue(TopologyDeclarables.of(EventTopology.log("1D")).getDeclarablesByType(Queue.class).get(0));

			contextOn(vhost).withUserConfiguration(EveryPart.class).run(context -> {
				assertThat(context).hasNotFailed();
				context.getBean(RabbitAdmin.class).initialize();

				assertThat(DeploymentTopology.definitions().queues()).allSatisfy(
						queue -> assertThat(rabbit.admin().getQueueInfo(queue.name())).as(queue.name()).isNotNull());
			});
		}
		finally {
			this.broker.deleteVhost(vhost);
		}
	}

	@Test
	void whatTheServicesDeclareIsEquivalentToWhatTheDefinitionsFileCreates() throws IOException {
		String vhost = this.broker.createVhost("support-definitions");
		try (TestRabbit rabbit = new TestRabbit(this.broker, vhost)) {
			this.broker.importDefinitions(vhost, Files.readString(definitionsFile()));
			Topology deployment = DeploymentTopology.definitions();
			for (ExchangeDefinition exchange : deployment.exchanges()) {
				rabbit.admin().getRabbitTemplate().execute(channel -> channel.exchangeDeclarePassive(exchange.name()));
			}
			assertThat(deployment.queues()).allSatisfy(
					queue -> assertThat(rabbit.admin().getQueueInfo(queue.name())).as(queue.name()).isNotNull());

			RabbitAdmin strict = new RabbitAdmin(rabbit.admin().getRabbitTemplate().getConnectionFactory());
			assertThatNoException()
				.isThrownBy(() -> TopologyDeclarables.of(deployment).getDeclarables().forEach(declarable -> {
					if (declarable instanceof Exchange exchange) {
						strict.declareExchange(exchange);
					}
					else if (declarable instanceof Queue queue) {
						strict.declareQueue(queue);
					}
					else if (declarable instanceof Binding binding) {
						strict.declareBinding(binding);
					}
				}));
		}
		finally {
			this.broker.deleteVhost(vhost);
		}
	}

	private ApplicationContextRunner contextOn(String vhost) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RabbitAutoConfiguration.class, BrokerTopologyAutoConfiguration.class))
			.withPropertyValues(this.broker.springProperties(vhost)
				.entrySet()
				.stream()
				.map(Map.Entry::toString)
				.toArray(String[]::new));
	}

	private static Path definitionsFile() {
		return RepositoryFiles.find("rabbitmq/definitions.json");
	}

	@Configuration(proxyBeanMethods = false)
	static class EveryPart {

		@Bean
		Topology logPart() {
			return EventTopology.log(EventTopology.DEFAULT_LOG_RETENTION);
		}

		@Bean
		Topology statusPart() {
			return StatusTopology.queues()
				.plus(StatusTopology.grace(StatusTopology.DEFAULT_RECONNECT_GRACE))
				.plus(StatusTopology.retry(StatusTopology.DEFAULT_RETRY_DELAYS));
		}

		@Bean
		Topology poolPart() {
			return ThumbnailTopology.pool();
		}

	}

}
