package dev.streamctl.thumbnail.capture;

import dev.streamctl.common.test.Definitions;
import org.junit.jupiter.api.Test;

class TopologyDefinitionsTest {

	@Test
	void rabbitmqDefinitionsDeclareThePoolQueues() {
		Definitions.load().assertDeclares(new CaptureConfiguration().captureTopology());
	}

}
