package dev.streamctl.common.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rabbitmq/definitions.json} of the repository, held against the topology a
 * service declares.
 */
public final class Definitions {

	private final JsonNode json;

	private Definitions(JsonNode json) {
		this.json = json;
	}

	public static Definitions load() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve("rabbitmq").resolve("definitions.json"))) {
			dir = dir.getParent();
		}
		Objects.requireNonNull(dir, "rabbitmq/definitions.json not found above the working directory");
		return new Definitions(
				JsonMapper.builder().build().readTree(dir.resolve("rabbitmq").resolve("definitions.json").toFile()));
	}

	/**
	 * Asserts that the file declares every exchange, queue and binding here, with the
	 * same type and arguments.
	 */
	public void assertDeclares(Declarables declarables) {
		for (Declarable declarable : declarables.getDeclarables()) {
			if (declarable instanceof Exchange exchange) {
				JsonNode found = find("exchanges", exchange.getName());
				assertThat(found.path("type").asString()).as(exchange.getName()).isEqualTo(exchange.getType());
				assertThat(found.path("durable").asBoolean()).as(exchange.getName()).isEqualTo(exchange.isDurable());
				assertArguments(exchange.getName(), found, exchange.getArguments());
			}
			else if (declarable instanceof Queue queue) {
				JsonNode found = find("queues", queue.getName());
				assertThat(found.path("durable").asBoolean()).as(queue.getName()).isEqualTo(queue.isDurable());
				assertArguments(queue.getName(), found, queue.getArguments());
			}
			else if (declarable instanceof Binding binding) {
				assertThat(this.json.path("bindings")).as("binding " + binding).anySatisfy(node -> {
					assertThat(node.path("source").asString()).isEqualTo(binding.getExchange());
					assertThat(node.path("destination").asString()).isEqualTo(binding.getDestination());
					assertThat(node.path("routing_key").asString()).isEqualTo(binding.getRoutingKey());
				});
			}
		}
	}

	private void assertArguments(String name, JsonNode found, Map<String, Object> arguments) {
		JsonNode declared = found.path("arguments");
		assertThat(declared.size()).as("number of arguments of " + name).isEqualTo(arguments.size());
		arguments.forEach((key, value) -> assertThat(declared.path(key).asString()).as(name + " " + key)
			.isEqualTo(String.valueOf(value)));
	}

	private JsonNode find(String kind, String name) {
		for (JsonNode node : this.json.path(kind)) {
			if (name.equals(node.path("name").asString())) {
				return node;
			}
		}
		throw new AssertionError("rabbitmq/definitions.json has no " + kind + " named " + name);
	}

}
