package dev.streamctl.gateway.delivery;

import java.nio.file.Path;
import java.time.Duration;

import dev.streamctl.common.test.Definitions;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

class TopologyDefinitionsTest {

	@Test
	void rabbitmqDefinitionsDeclareWhatTheGatewayDeclares() {
		DeliverySettings defaults = new DeliverySettings(Duration.ofMillis(50), Path.of("spool"),
				DataSize.ofMegabytes(512), 16, 200, Duration.ofMillis(200), Duration.ofSeconds(30), "7D");

		Definitions.load().assertDeclares(new DeliveryConfiguration().eventTopology(defaults));
	}

}
