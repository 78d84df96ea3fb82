package dev.streamctl.pipeline;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One of the three packaged services, run as a process the way a deployment runs it. */
final class Service implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String name;

	private final Process process;

	private final Path log;

	private final WebClient client;

	private Service(String name, Process process, Path log, int port) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.client = WebClient.create("http://localhost:" + port);
	}

	/** Starts {@code ../<module>/target/<module>.jar} and waits until it is ready. */
	static Service start(String module, Map<String, String> env, Path logs) throws IOException {
		int port = freePort();
		Path jar = Path.of("..", module, "target", module + ".jar").toAbsolutePath();
		ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
				jar.toString());
		builder.environment().putAll(env);
		builder.environment().put("SERVER_PORT", String.valueOf(port));
		Path log = logs.resolve(module + ".log");
		builder.redirectErrorStream(true).redirectOutput(log.toFile());
		Service service = new Service(module, builder.start(), log, port);
		await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
			assertThat(service.process.isAlive()).as(module + " alive; see " + log).isTrue();
			assertThat(service.get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
		});
		return service;
	}

	String get(String path) {
		return this.client.get()
			.uri(path)
			.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty(""))
			.block(Duration.ofSeconds(10));
	}

	String post(String path, String body) {
		return this.client.post()
			.uri(path)
			.header("Content-Type", "application/json")
			.bodyValue(body)
			.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty(""))
			.block(Duration.ofSeconds(10));
	}

	/** Everything its actuator shows: every endpoint it exposes, and every metric one by one. */
	List<String> actuatorAnswers() {
		List<String> answers = new ArrayList<>();
		JsonNode links = JSON.readTree(get("/actuator")).path("_links");
		for (var entry : links.properties()) {
			if (!entry.getValue().path("templated").asBoolean(false)) {
				answers.add(get(entry.getValue().path("href").asString().replaceFirst("^https?://[^/]+", "")));
			}
		}
		for (JsonNode metric : JSON.readTree(get("/actuator/metrics")).path("names")) {
			answers.add(get("/actuator/metrics/" + metric.asString()));
		}
		return answers;
	}

	String logOutput() throws IOException {
		return Files.readString(this.log);
	}

	String name() {
		return this.name;
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
