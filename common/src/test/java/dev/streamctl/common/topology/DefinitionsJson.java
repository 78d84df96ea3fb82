package dev.streamctl.common.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.streamctl.common.test.RepositoryFiles;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code rabbitmq/definitions.json} as the broker's definitions import reads it, written
 * from a {@link Topology}: the file's own {@code vhosts} part, then every exchange, queue
 * and binding, all in the vhost {@code /}. Users and permissions are not in it:
 * {@code rabbitmq/entrypoint.sh} adds them at start.
 */
final class DefinitionsJson {

	private static final String VHOST = "/";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final DefaultPrettyPrinter layout = new DefaultPrettyPrinter(Separators.createDefaultInstance()
		.withObjectNameValueSpacing(Separators.Spacing.AFTER)
		.withObjectEmptySeparator("")
		.withArrayEmptySeparator("")).withArrayIndenter(new DefaultIndenter("  ", "\n"))
		.withObjectIndenter(new DefaultIndenter("  ", "\n"));

	private DefinitionsJson() {
	}

	/**
	 * The repository's {@code rabbitmq/definitions.json}, found from the working
	 * directory upwards.
	 */
	static Path file() {
		return RepositoryFiles.find("rabbitmq/definitions.json");
	}

	static JsonNode read(Path file) {
		try {
			return mapper.readTree(Files.readString(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String render(JsonNode vhosts, Topology topology) {
		ObjectNode root = mapper.createObjectNode();
		root.set("vhosts", vhosts);
		ArrayNode exchanges = root.putArray("exchanges");
		for (ExchangeDefinition exchange : topology.exchanges()) {
			ObjectNode node = exchanges.addObject();
			node.put("name", exchange.name());
			node.put("vhost", VHOST);
			node.put("type", exchange.type().brokerName());
			node.put("durable", true);
			node.put("auto_delete", false);
			node.put("internal", false);
			node.putObject("arguments");
		}
		ArrayNode queues = root.putArray("queues");
		for (QueueDefinition queue : topology.queues()) {
			if (!queue.durable()) {
				throw new IllegalArgumentException(
						queue.name() + " belongs to a connection: it has no place in definitions");
			}
			ObjectNode node = queues.addObject();
			node.put("name", queue.name());
			node.put("vhost", VHOST);
			node.put("durable", true);
			node.put("auto_delete", false);
			node.set("arguments", mapper.valueToTree(queue.declaredArguments()));
		}
		ArrayNode bindings = root.putArray("bindings");
		for (BindingDefinition binding : topology.bindings()) {
			ObjectNode node = bindings.addObject();
			node.put("source", binding.exchange());
			node.put("vhost", VHOST);
			node.put("destination", binding.queue());
			node.put("destination_type", "queue");
			node.put("routing_key", binding.routingKey());
			node.putObject("arguments");
		}
		return mapper.writer().with(layout).writeValueAsString(root) + "\n";
	}

}
