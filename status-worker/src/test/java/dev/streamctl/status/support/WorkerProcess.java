package dev.streamctl.status.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamctl.common.test.TestBroker;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged status worker run as a real process, as a deployment runs it. */
public final class WorkerProcess {

	private static final Path JAR = Path.of("target", "status-worker.jar");

	private final Process process;

	private final int port;

	private WorkerProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/** Starts a worker and waits until it is ready. */
	public static WorkerProcess start(TestBroker broker, String vhost, Map<String, String> env, Path log)
			throws IOException {
		int port = freePort();
		Process process = builder(broker, vhost, env, log, List.of("--server.port=" + port)).start();
		WorkerProcess worker = new WorkerProcess(process, port);
		await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
			assertThat(process.isAlive()).as("worker alive; see " + log).isTrue();
			assertThat(worker.get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
		});
		return worker;
	}

	/** Runs {@code status-worker.jar replay ...} to its end; answers its exit code. */
	public static int replay(TestBroker broker, String vhost, Map<String, String> env, Path log, String from)
			throws IOException, InterruptedException {
		Process process = builder(broker, vhost, env, log, List.of("replay", "--status.replay.from=" + from,
				"--status.replay.idle=2s")).start();
		return process.waitFor();
	}

	public String get(String path) {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri(path)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(5));
	}

	/** Events this worker has settled, from its metrics. */
	public double settledEvents() {
		return get("/actuator/prometheus").lines()
			.filter(line -> line.startsWith("status_events_total{"))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	public void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor();
	}

	public void stop() {
		this.process.destroyForcibly();
	}

	private static ProcessBuilder builder(TestBroker broker, String vhost, Map<String, String> env, Path log,
			List<String> args) {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
				JAR.toAbsolutePath().toString()));
		command.addAll(args);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().put("SPRING_RABBITMQ_HOST", broker.host());
		builder.environment().put("SPRING_RABBITMQ_PORT", String.valueOf(broker.port()));
		builder.environment().put("SPRING_RABBITMQ_USERNAME", broker.username());
		builder.environment().put("SPRING_RABBITMQ_PASSWORD", broker.password());
		builder.environment().put("SPRING_RABBITMQ_VIRTUAL_HOST", vhost);
		builder.environment().putAll(env);
		return builder.redirectErrorStream(true).redirectOutput(log.toFile());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
