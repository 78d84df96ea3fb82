package dev.streamctl.status.apply;

import java.time.Duration;

import dev.streamctl.common.topology.DeploymentTopology;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With its default settings the status worker declares nothing that
 * rabbitmq/definitions.json does not hold (its grace and retry queues included); another
 * reconnect grace or backoff adds queues of its own, which the file cannot know.
 */
class TopologyDefinitionsTest {

	private final StatusConfiguration configuration = new StatusConfiguration();

	@Test
	void deploymentDefinitionsHoldWhatTheStatusWorkerDeclaresByDefault() {
		StatusSettings defaults = Binder.get(new StandardEnvironment()).bindOrCreate("status", StatusSettings.class);
		Topology declared = this.configuration.eventTopology().plus(this.configuration.statusTopology(defaults));

		assertThat(defaults.reconnectGrace()).isEqualTo(StatusTopology.DEFAULT_RECONNECT_GRACE);
		assertThat(defaults.retryDelays()).isEqualTo(StatusTopology.DEFAULT_RETRY_DELAYS);

		assertThat(DeploymentTopology.definitions().includes(declared)).isTrue();
	}

	@Test
	void declaresTheGraceQueueOnlyWithAReconnectGrace() {
		Topology declared = this.configuration.statusTopology(settings(Duration.ofSeconds(5)));

		assertThat(declared.queue(StatusTopology.graceQueue(5000))).isPresent();
		assertThat(declared.queues()).filteredOn(queue -> queue.name().startsWith(StatusTopology.RETRY_QUEUE_PREFIX))
			.extracting(queue -> queue.name())
			.containsExactly("status.retry.1000ms", "status.retry.2000ms", "status.retry.4000ms",
					"status.retry.5000ms");
		assertThat(declared.includes(StatusTopology.queues())).isTrue();
		assertThat(this.configuration.statusTopology(settings(Duration.ZERO)).queues())
			.noneMatch(queue -> queue.name().startsWith(StatusTopology.GRACE_QUEUE_PREFIX));
	}

	private static StatusSettings settings(Duration grace) {
		return new StatusSettings(grace, 200, Duration.ofMillis(20), 32, Duration.ofSeconds(1), Duration.ofSeconds(5),
				Duration.ofMinutes(15), 3);
	}

}
