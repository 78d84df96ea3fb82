package dev.streamctl.common.topology;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rabbitmq/definitions.json} declares what {@link EventTopology} names. */
class DefinitionsAgreeWithTopologyTest {

	private final JsonNode definitions = JsonMapper.builder()
		.build()
		.readTree(Path.of("..", "rabbitmq", "definitions.json").toFile());

	@Test
	void declaresTheEventExchangeAsDurableTopic() {
		JsonNode exchange = find("exchanges", EventTopology.EXCHANGE);

		assertThat(exchange.path("type").asString()).isEqualTo("topic");
		assertThat(exchange.path("durable").asBoolean()).isTrue();
		assertThat(exchange.path("auto_delete").asBoolean()).isFalse();
	}

	@Test
	void declaresTheLogAsADurableStreamWithTheDefaultRetention() {
		JsonNode queue = find("queues", EventTopology.LOG_QUEUE);

		assertThat(queue.path("durable").asBoolean()).isTrue();
		assertThat(queue.path("arguments").path("x-queue-type").asString()).isEqualTo("stream");
		assertThat(queue.path("arguments").path("x-max-age").asString()).isEqualTo(EventTopology.DEFAULT_LOG_RETENTION);
	}

	@Test
	void bindsTheLogToEveryEvent() {
		assertThat(this.definitions.path("bindings")).anySatisfy(binding -> {
			assertThat(binding.path("source").asString()).isEqualTo(EventTopology.EXCHANGE);
			assertThat(binding.path("destination").asString()).isEqualTo(EventTopology.LOG_QUEUE);
			assertThat(binding.path("destination_type").asString()).isEqualTo("queue");
			assertThat(binding.path("routing_key").asString()).isEqualTo(EventTopology.LOG_BINDING);
		});
	}

	private JsonNode find(String kind, String name) {
		for (JsonNode node : this.definitions.path(kind)) {
			if (name.equals(node.path("name").asString())) {
				return node;
			}
		}
		throw new AssertionError("rabbitmq/definitions.json has no " + kind + " named " + name);
	}

}
