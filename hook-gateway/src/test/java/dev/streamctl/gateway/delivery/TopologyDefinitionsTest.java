package dev.streamctl.gateway.delivery;

import java.nio.file.Path;
import java.time.Duration;

import dev.streamctl.common.topology.DeploymentTopology;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With its default settings the gateway declares nothing that rabbitmq/definitions.json
 * does not hold.
 */
class TopologyDefinitionsTest {

	@Test
	void deploymentDefinitionsHoldWhatTheGatewayDeclaresByDefault() {
		DeliverySettings defaults = new DeliverySettings(Duration.ofMillis(50), Path.of("spool"),
				DataSize.ofMegabytes(512), 16, 200, Duration.ofMillis(200), Duration.ofSeconds(30), "7D");

		assertThat(DeploymentTopology.definitions().includes(new DeliveryConfiguration().eventTopology(defaults)))
			.isTrue();
	}

}
