package dev.streamctl.thumbnail.capture;

import dev.streamctl.common.topology.DeploymentTopology;
import dev.streamctl.common.topology.QueueDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rabbitmq/definitions.json holds the pool's durable queues; each worker's control queue
 * belongs to its connection and has a name of its own.
 */
class TopologyDefinitionsTest {

	private final CaptureConfiguration configuration = new CaptureConfiguration();

	@Test
	void deploymentDefinitionsHoldThePoolQueues() {
		assertThat(DeploymentTopology.definitions()
			.includes(this.configuration.eventTopology().plus(this.configuration.captureTopology()))).isTrue();
	}

	@Test
	void everyWorkerHasAControlQueueOfItsOwnThatGoesWithItsConnection() {
		QueueDefinition first = this.configuration.controlQueue();
		QueueDefinition second = this.configuration.controlQueue();

		assertThat(first.name()).isNotEqualTo(second.name());
		assertThat(first.exclusive()).isTrue();
		assertThat(this.configuration.controlTopology(first).bindings()).singleElement()
			.satisfies(binding -> assertThat(binding.queue()).isEqualTo(first.name()));
	}

}
