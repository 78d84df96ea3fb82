package dev.streamctl.common.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A packaged service ({@code <module>/target/<module>.jar}) run as a real process, the
 * way a deployment runs it: configured by environment variables, on a free port, its
 * output in a log file.
 */
public final class ServiceProcess implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Process process;

	private final Path log;

	private final String baseUrl;

	private ServiceProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.baseUrl = "http://localhost:" + port;
	}

	/**
	 * Starts the jar with the broker's and the given environment, and waits until it is
	 * ready.
	 */
	public static ServiceProcess start(Path jar, TestBroker broker, String vhost, Map<String, String> env, Path log,
			String... args) {
		ServiceProcess service = launch(jar, broker, vhost, env, log, args);
		await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
			assertThat(service.process.isAlive()).as("process alive; see " + log).isTrue();
			assertThat(service.get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
		});
		return service;
	}

	/** Runs the jar to its end (a command such as a replay); answers the exit code. */
	public static int run(Path jar, TestBroker broker, String vhost, Map<String, String> env, Path log, String... args)
			throws InterruptedException {
		return launch(jar, broker, vhost, env, log, args).process.waitFor();
	}

	private static ServiceProcess launch(Path jar, TestBroker broker, String vhost, Map<String, String> env, Path log,
			String... args) {
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
				jar.toAbsolutePath().toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		Map<String, String> environment = builder.environment();
		environment.put("SERVER_PORT", String.valueOf(port));
		environment.put("SPRING_RABBITMQ_HOST", broker.host());
		environment.put("SPRING_RABBITMQ_PORT", String.valueOf(broker.port()));
		environment.put("SPRING_RABBITMQ_USERNAME", broker.username());
		environment.put("SPRING_RABBITMQ_PASSWORD", broker.password());
		environment.put("SPRING_RABBITMQ_VIRTUAL_HOST", vhost);
		environment.putAll(env);
		builder.redirectErrorStream(true).redirectOutput(log.toFile());
		try {
			return new ServiceProcess(builder.start(), log, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + jar, ex);
		}
	}

	/** Where its HTTP port answers, e.g. {@code http://localhost:40123}. */
	public String baseUrl() {
		return this.baseUrl;
	}

	public String get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.baseUrl + path)).GET());
	}

	public String post(String path, String json) {
		return send(HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	/**
	 * Everything its actuator shows: every endpoint it exposes, and every metric one by
	 * one.
	 */
	public List<String> actuatorAnswers() {
		List<String> answers = new ArrayList<>();
		for (var link : JSON.readTree(get("/actuator")).path("_links").properties()) {
			if (!link.getValue().path("templated").asBoolean(false)) {
				answers.add(get(URI.create(link.getValue().path("href").asString()).getPath()));
			}
		}
		for (JsonNode metric : JSON.readTree(get("/actuator/metrics")).path("names")) {
			answers.add(get("/actuator/metrics/" + metric.asString()));
		}
		return answers;
	}

	/** The sum of a Prometheus counter over all its tags. */
	public double counter(String name) {
		return get("/actuator/prometheus").lines()
			.filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	public String logOutput() throws IOException {
		return Files.readString(this.log);
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** SIGKILL, and waits for the end. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor();
	}

	/** SIGTERM, as a rolling deploy stops a service, and waits for the end. */
	public void terminate() throws InterruptedException {
		this.process.destroy();
		this.process.waitFor();
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	private String send(HttpRequest.Builder request) {
		try {
			return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
