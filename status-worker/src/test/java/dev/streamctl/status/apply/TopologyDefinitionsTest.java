package dev.streamctl.status.apply;

import java.time.Duration;

import dev.streamctl.common.test.Definitions;
import org.junit.jupiter.api.Test;

class TopologyDefinitionsTest {

	@Test
	void rabbitmqDefinitionsDeclareWhatTheStatusWorkerDeclares() {
		StatusSettings defaults = new StatusSettings(Duration.ZERO, 200, 32, Duration.ofSeconds(1),
				Duration.ofSeconds(30), Duration.ofMinutes(10));
		StatusConfiguration configuration = new StatusConfiguration();

		Definitions.load().assertDeclares(configuration.statusTopology(defaults));
		Definitions.load().assertDeclares(configuration.eventTopology());
	}

}
