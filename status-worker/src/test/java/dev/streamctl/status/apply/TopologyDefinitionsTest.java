package dev.streamctl.status.apply;

import java.time.Duration;

import dev.streamctl.common.topology.DeploymentTopology;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.Topology;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With its default settings the status worker declares nothing that
 * rabbitmq/definitions.json does not hold; a reconnect grace adds its own queue, which
 * the file cannot know.
 */
class TopologyDefinitionsTest {

	private final StatusConfiguration configuration = new StatusConfiguration();

	@Test
	void deploymentDefinitionsHoldWhatTheStatusWorkerDeclaresByDefault() {
		Topology declared = this.configuration.eventTopology()
			.plus(this.configuration.statusTopology(settings(Duration.ZERO)));

		assertThat(DeploymentTopology.definitions().includes(declared)).isTrue();
	}

	@Test
	void declaresTheGraceQueueOnlyWithAReconnectGrace() {
		Topology declared = this.configuration.statusTopology(settings(Duration.ofSeconds(5)));

		assertThat(declared.queue(StatusTopology.graceQueue(5000))).isPresent();
		assertThat(declared.includes(StatusTopology.queues())).isTrue();
		assertThat(this.configuration.statusTopology(settings(Duration.ZERO)).queues())
			.noneMatch(queue -> queue.name().startsWith(StatusTopology.GRACE_QUEUE_PREFIX));
	}

	private static StatusSettings settings(Duration grace) {
		return new StatusSettings(grace, 200, 32, Duration.ofSeconds(1), Duration.ofSeconds(30),
				Duration.ofMinutes(10));
	}

}
