package dev.streamctl.gateway.delivery;

import java.io.IOException;
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
import dev.streamctl.common.test.ServiceProcess;
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
 * The packaged gateway, run as a real process, is killed with SIGKILL while events wait
 * in its spool for an unreachable broker; started again on the same spool, it delivers
 * every one of them, in order.
 */
class GatewayCrashIT {

	private static final Path JAR = Path.of("target", "hook-gateway.jar");

	private static final String SECRET = "hook-secret-" + UUID.randomUUID();

	private final TestBroker broker = TestBroker.get();

	private final String vhost = this.broker.createVhost("gateway-crash");

	private final List<ServiceProcess> processes = new ArrayList<>();

	@TempDir
	Path work;

	@AfterEach
	void tearDown() {
		this.processes.forEach(ServiceProcess::close);
		this.broker.deleteVhost(this.vhost);
	}

	@Test
	void deliversEverySpooledEventAfterBeingKilledWithSigkill() throws Exception {
		Path spool = this.work.resolve("spool");
		String key = "crash" + UUID.randomUUID().toString().replace("-", "");
		try (TcpProxy unreachable = new TcpProxy(this.broker.host(), this.broker.port());
				EventTap tap = new EventTap(this.broker, this.vhost)) {
			unreachable.cut();
			ServiceProcess first = start(unreachable.port(), spool, "first.log");
			Hooks hooks = new Hooks(first.baseUrl());

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

			first.kill();
			assertThat(spooledFiles(spool)).hasSize(20);

			start(this.broker.port(), spool, "second.log");
			Map<UUID, String> received = new LinkedHashMap<>();
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				tap.drain()
					.forEach(event -> received.putIfAbsent(event.eventId(),
							(event.routingKey().equals("stream.published") ? "on_publish " : "on_unpublish ")
									+ event.session().stream().value()));
				assertThat(received).hasSize(20);
			});
			assertThat(received.values()).containsExactlyElementsOf(posted);
			await().untilAsserted(() -> assertThat(spooledFiles(spool)).isEmpty());
			assertThat(Files.readString(this.work.resolve("first.log"))
					+ Files.readString(this.work.resolve("second.log")))
				.as("process logs at default levels")
				.doesNotContain(key, SECRET, "token=abc");
		}
	}

	private ServiceProcess start(int brokerPort, Path spool, String log) {
		ServiceProcess gateway = ServiceProcess.start(JAR, this.broker, this.vhost,
				Map.of("SPRING_RABBITMQ_PORT", String.valueOf(brokerPort), "GATEWAY_DELIVERY_SPOOL_DIRECTORY",
						spool.toString(), "HOOK_SECRET", SECRET, "GATEWAY_AUTH_MODE", "open", "SUPABASE_KEY",
						"unused-in-open-mode"),
				this.work.resolve(log));
		this.processes.add(gateway);
		return gateway;
	}

	private static List<Path> spooledFiles(Path spool) throws IOException {
		try (Stream<Path> files = Files.list(spool)) {
			return files.filter(file -> file.toString().endsWith(".json")).toList();
		}
	}

	private static String hook(String fixture, String stream, int client) {
		return SrsFixtures.with(fixture, Map.of("stream", stream, "client_id", "crash" + client));
	}

}
