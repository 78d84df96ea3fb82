package dev.streamctl.status.servers;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SRS servers' heartbeats through the real broker: the streams a restarted SRS left
 * behind go offline at once, whatever the reconnect grace (10 s, the default), and those
 * of an SRS that went silent after the grace; streams of other servers stay live.
 */
@DirtiesContext
@SpringBootTest(properties = { "status.servers.heartbeat-interval=1s", "status.servers.missed-heartbeats=3",
		"status.servers.check-interval=200ms", "status.reconciler.interval=1h" })
class ServerWatchIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("servers-it");

	private static final FakePostgrest store = new FakePostgrest();

	private static final FakeSrsApi srs = new FakeSrsApi();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
		registry.add("srs.apis", () -> srs.url().toString());
	}

	@AfterAll
	static void tearDown() {
		store.close();
		srs.close();
	}

	@Autowired
	MeterRegistry meters;

	@Test
	void setsOfflineAtOnceTheStreamsARestartedSrsLeftBehindAndLeavesOtherServersAlone() {
		String server = "srs-" + UUID.randomUUID().toString().substring(0, 8);
		String other = "srs-" + UUID.randomUUID().toString().substring(0, 8);
		String key = key();
		String elsewhere = key();
		UUID channel = store.addChannel(key);
		UUID otherChannel = store.addChannel(elsewhere);
		try (TestRabbit rabbit = new TestRabbit(broker, vhost)) {
			rabbit.publish(FixtureEvents.heartbeat(server, "run1", Instant.now()));
			rabbit.publish(FixtureEvents.heartbeat(other, "runB", Instant.now()));
			rabbit.publish(published(server, "run1", key));
			rabbit.publish(published(other, "runB", elsewhere));
			await().untilAsserted(() -> {
				assertThat(store.row(channel)).containsEntry("is_on_live", true);
				assertThat(store.row(otherChannel)).containsEntry("is_on_live", true);
			});

			rabbit.publish(FixtureEvents.heartbeat(other, "runB", Instant.now()));
			rabbit.publish(FixtureEvents.heartbeat(server, "run2", Instant.now()));

			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.row(channel)).containsEntry("is_on_live", false));
			assertThat(store.row(otherChannel)).containsEntry("is_on_live", true);
			assertThat(
					this.meters.get("status.servers.corrections").tag("reason", "server_restarted").counter().count())
				.isEqualTo(1);
		}
	}

	@Test
	void setsOfflineAfterTheGraceTheStreamsOfAnSrsThatWentSilent() {
		String server = "srs-" + UUID.randomUUID().toString().substring(0, 8);
		String key = key();
		UUID channel = store.addChannel(key);
		try (TestRabbit rabbit = new TestRabbit(broker, vhost)) {
			rabbit.publish(FixtureEvents.heartbeat(server, "run1", Instant.now()));
			rabbit.publish(published(server, "run1", key));
			await().untilAsserted(() -> assertThat(store.row(channel)).containsEntry("is_on_live", true));
			Instant silentFrom = Instant.now();

			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(store.row(channel)).containsEntry("is_on_live", false));
			assertThat(Duration.between(silentFrom, Instant.now())).as("the reconnect grace was waited out")
				.isGreaterThanOrEqualTo(Duration.ofSeconds(10));
		}
	}

	private static StreamPublished published(String serverId, String serviceId, String key) {
		return new StreamPublished(1, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MILLIS),
				EventSource.SRS_HOOK, new SrsSession(serverId, serviceId, "c" + key.substring(1, 8), "vid-1",
						"__defaultVhost__", "live", StreamKey.of(key), "", "127.0.0.1"));
	}

	private static String key() {
		return "h" + UUID.randomUUID().toString().replace("-", "");
	}

}
