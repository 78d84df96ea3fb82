package dev.streamctl.common.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rabbitmq/definitions.json} is generated from {@link DeploymentTopology}: every
 * exchange, queue (type and arguments) and binding it holds comes from there, and nothing
 * else but its vhosts. After changing the topology, regenerate it with
 * {@code ./mvnw -B -q -pl common test -Dtest=DefinitionsFileTest -Dtopology.write=true}
 * and commit both.
 */
class DefinitionsFileTest {

	private static final String REGENERATE = "./mvnw -B -q -pl common test -Dtest=DefinitionsFileTest -Dtopology.write=true";

	@Test
	void rabbitmqDefinitionsHoldExactlyTheDeploymentTopology() throws IOException {
		Path file = DefinitionsJson.file();
		String generated = DefinitionsJson.render(DefinitionsJson.read(file).required("vhosts"),
				DeploymentTopology.definitions());
		if (Boolean.getBoolean("topology.write")) {
			Files.writeString(file, generated);
		}

		assertThat(Files.readString(file))
			.as("rabbitmq/definitions.json is generated; regenerate it with " + REGENERATE)
			.isEqualTo(generated);
	}

	@Test
	void rabbitmqDefinitionsHoldTopologyAndVhostsOnly() {
		// rabbitmq/entrypoint.sh appends the user and its permissions, and refuses a file
		// that has either
		assertThat(DefinitionsJson.read(DefinitionsJson.file()).propertyNames()).containsExactly("vhosts", "exchanges",
				"queues", "bindings");
	}

}
