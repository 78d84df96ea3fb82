package dev.streamctl.gateway.delivery;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TcpProxy;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.gateway.support.EventTap;
import dev.streamctl.gateway.support.Hooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged gateway, run as a real process, is killed with SIGKILL while events wait in its spool for an
 * unreachable broker; started again on the same spool, it delivers every one of them, in order.
 */
class GatewayCrashIT {

	private static final Path JAR = Path.of("target", "hook-gateway.jar");

	private static final String SECRET = "hook-secret-" + UUID.randomUUID();

	private final TestBroker broker = TestBroker.get();

	private final String vhost = this.broker.createVhost("gateway-crash");

	private final List<Process> processes = new ArrayList<>();

	@TempDir
	Path work;

	@AfterEach
	void tearDown() {
		this.processes.forEach(Process::destroyForcibly);
		this.broker.deleteVhost(this.vhost);
	}

	@Test
	void deliversEverySpooledEventAfterBeingKilledWithSigkill() throws Exception {
		Path spool = this.work.resolve("spool");
		String key = "crash" + UUID.randomUUID().toString().replace("-", "");
		try (TcpProxy unreachable = new TcpProxy(this.broker.host(), this.broker.port());
				EventTap tap = new EventTap(this.broker, this.vhost)) {
			unreachable.cut();
			int port = freePort();
			Process first = start(port, unreachable.port(), spool, "first.log");
			Hooks hooks = new Hooks("http://localhost:" + port);

			assertThat(hooks.post(hook("on_publish.json", key, 0)).statusCode()).as("no secret").isEqualTo(401);
			List<String> posted = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				for (String fixture : List.of("on_publish.json", "on_unpublish.json")) {
					HttpResponse<String> answer = hooks.post(hook(fixture, key + i, i), "application/json",
							"?secret=" + SECRET);
					assertThat(answer.body()).isEqualTo("{\"code\":0}");
					posted.add(fixture.replace(".json", "") + " " + key + i);
				}
			}
			assertThat(spooledFiles(spool)).hasSize(20);

			first.destroyForcibly().waitFor();
			assertThat(spooledFiles(spool)).hasSize(20);

			int secondPort = freePort();
			start(secondPort, this.broker.port(), spool, "second.log");
			Map<UUID, String> received = new LinkedHashMap<>();
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				tap.drain().forEach(event -> received.putIfAbsent(event.eventId(),
						(event.routingKey().equals("stream.published") ? "on_publish " : "on_unpublish ")
								+ event.session().stream().value()));
				assertThat(received).hasSize(20);
			});
			assertThat(received.values()).containsExactlyElementsOf(posted);
			await().untilAsserted(() -> assertThat(spooledFiles(spool)).isEmpty());
			assertThat(Files.readString(this.work.resolve("first.log")) + Files.readString(this.work.resolve("second.log")))
				.as("process logs at default levels")
				.doesNotContain(key, SECRET, "token=abc");
		}
	}

	private Process start(int port, int brokerPort, Path spool, String log) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
				JAR.toAbsolutePath().toString());
		Map<String, String> env = builder.environment();
		env.put("SERVER_PORT", String.valueOf(port));
		env.put("SPRING_RABBITMQ_HOST", this.broker.host());
		env.put("SPRING_RABBITMQ_PORT", String.valueOf(brokerPort));
		env.put("SPRING_RABBITMQ_USERNAME", this.broker.username());
		env.put("SPRING_RABBITMQ_PASSWORD", this.broker.password());
		env.put("SPRING_RABBITMQ_VIRTUAL_HOST", this.vhost);
		env.put("GATEWAY_DELIVERY_SPOOL_DIRECTORY", spool.toString());
		env.put("HOOK_SECRET", SECRET);
		env.put("GATEWAY_AUTH_MODE", "open");
		env.put("SUPABASE_KEY", "unused-in-open-mode");
		builder.redirectErrorStream(true).redirectOutput(this.work.resolve(log).toFile());
		Process process = builder.start();
		this.processes.add(process);
		Hooks hooks = new Hooks("http://localhost:" + port);
		await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
			assertThat(process.isAlive()).as("gateway process alive; see " + log).isTrue();
			assertThat(hooks.get("/actuator/health/readiness")).contains("\"status\":\"UP\"");
		});
		return process;
	}

	private static List<Path> spooledFiles(Path spool) throws IOException {
		try (Stream<Path> files = Files.list(spool)) {
			return files.filter(file -> file.toString().endsWith(".json")).toList();
		}
	}

	private static String hook(String fixture, String stream, int client) {
		return SrsFixtures.with(fixture, Map.of("stream", stream, "client_id", "crash" + client));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
