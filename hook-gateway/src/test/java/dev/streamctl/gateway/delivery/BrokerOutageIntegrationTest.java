package dev.streamctl.gateway.delivery;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TcpProxy;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.gateway.support.EventTap;
import dev.streamctl.gateway.support.Hooks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker goes away (its connection cut by a proxy only this test uses) while hooks
 * and SRS heartbeats keep coming: every one is still answered with code 0 from the spool,
 * and once the broker is back every event reaches it, in the order they came.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.delivery.drain-interval=50ms", "gateway.delivery.drain-max-backoff=500ms" })
class BrokerOutageIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("gateway-outage");

	private static final TcpProxy proxy = new TcpProxy(broker.host(), broker.port());

	@TempDir
	static Path spool;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
		registry.add("spring.rabbitmq.port", proxy::port);
		registry.add("gateway.delivery.spool-directory", () -> spool.toString());
		registry.add("gateway.auth.mode", () -> "open");
		registry.add("supabase.key", () -> "unused-in-open-mode");
	}

	@AfterAll
	static void tearDown() {
		proxy.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void answersEveryHookAndHeartbeatDuringAnOutageAndDeliversAllInOrderWhenTheBrokerIsBack() {
		Hooks hooks = new Hooks("http://localhost:" + this.port);
		try (EventTap tap = new EventTap(broker, vhost)) {
			hooks.post(hook("on_publish.json", "before", "c0"));
			assertThat(tap.next().session().stream().value()).isEqualTo("before");
			// on a cold or loaded machine that first confirm can miss the deadline and go
			// through the spool too
			await().untilAsserted(() -> assertThat(this.meters.get("gateway.spool.depth").gauge().value()).isZero());
			double spooledBefore = counted("spooled");

			proxy.cut();
			List<String> posted = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String stream = "outage" + i;
				for (String fixture : List.of("on_publish.json", "on_unpublish.json")) {
					HttpResponse<String> answer = hooks.post(hook(fixture, stream, "c" + i));
					assertThat(answer.statusCode()).isEqualTo(200);
					assertThat(answer.body()).isEqualTo("{\"code\":0}");
					posted.add(fixture.replace(".json", "") + " " + stream);
				}
				HttpResponse<String> answer = hooks.post(
						SrsFixtures.with("heartbeat_request.json", Map.of("service", "run" + i)), "application/json",
						"", "/srs/heartbeat");
				assertThat(answer.statusCode()).isEqualTo(200);
				assertThat(answer.body()).isEqualTo("{\"code\":0}");
				posted.add("heartbeat run" + i);
			}
			assertThat(counted("spooled")).isEqualTo(spooledBefore + 60);
			assertThat(this.meters.get("gateway.spool.depth").gauge().value()).isEqualTo(60);

			proxy.restore();
			Map<UUID, String> received = new LinkedHashMap<>();
			await().untilAsserted(() -> {
				tap.drainEvents().forEach(event -> received.putIfAbsent(event.eventId(), describe(event)));
				assertThat(received).hasSize(60);
			});
			assertThat(received.values()).containsExactlyElementsOf(posted);
			await().untilAsserted(() -> assertThat(this.meters.get("gateway.spool.depth").gauge().value()).isZero());
		}
	}

	private double counted(String outcome) {
		return this.meters.get("gateway.events").tag("outcome", outcome).counter().count();
	}

	private static String describe(SrsEvent event) {
		if (event instanceof SrsHeartbeat heartbeat) {
			return "heartbeat " + heartbeat.serviceId();
		}
		String hook = event.routingKey().equals("stream.published") ? "on_publish" : "on_unpublish";
		return hook + " " + ((StreamEvent) event).session().stream().value();
	}

	private static String hook(String fixture, String stream, String clientId) {
		return SrsFixtures.with(fixture, Map.of("stream", stream, "client_id", clientId));
	}

}
