package dev.streamctl.status.apply;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

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
 * With a reconnect grace, an OBS reconnect never shows the channel offline; a real end
 * still does.
 */
@DirtiesContext
@SpringBootTest(properties = { "status.reconnect-grace=1s", "status.reconciler.enabled=false" })
class ReconnectGraceIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("grace-it");

	private static final FakePostgrest store = new FakePostgrest();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
	}

	@AfterAll
	static void tearDown() {
		store.close();
	}

	@Autowired
	MeterRegistry meters;

	private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@Test
	void aReconnectWithinTheGraceNeverWritesOffline() {
		String key = "g" + UUID.randomUUID().toString().replace("-", "");
		UUID channel = store.addChannel(key);
		try (TestRabbit rabbit = new TestRabbit(broker, vhost)) {
			rabbit.publish(FixtureEvents.published(key, "s1", this.t0));
			await().untilAsserted(() -> assertThat(store.row(channel)).containsEntry("is_on_live", true));

			double settledWithoutWrite = count("stale") + count("collapsed");

			rabbit.publish(FixtureEvents.unpublished(key, "s1", this.t0.plusMillis(100)));
			rabbit.publish(FixtureEvents.published(key, "s2", this.t0.plusMillis(600)));

			await().untilAsserted(
					() -> assertThat(count("stale") + count("collapsed")).isEqualTo(settledWithoutWrite + 1));
		}
		assertThat(store.row(channel)).containsEntry("is_on_live", true)
			.containsEntry("modified", this.t0.plusMillis(600));
		assertThat(store.requests())
			.filteredOn(request -> request.method().equals("PATCH") && request.rawQuery().contains(channel.toString()))
			.noneSatisfy(patch -> assertThat(patch.body()).contains("\"is_on_live\":false"));
	}

	@Test
	void anUnpublishWithoutReconnectGoesOfflineAfterTheGrace() {
		String key = "g" + UUID.randomUUID().toString().replace("-", "");
		UUID channel = store.addChannel(key);
		try (TestRabbit rabbit = new TestRabbit(broker, vhost)) {
			rabbit.publish(FixtureEvents.published(key, "s1", this.t0));
			rabbit.publish(FixtureEvents.unpublished(key, "s1", this.t0.plusMillis(100)));

			await().untilAsserted(() -> assertThat(store.row(channel)).containsEntry("is_on_live", false)
				.containsEntry("modified", this.t0.plusMillis(100)));
		}
		assertThat(count("delayed")).isPositive();
	}

	private double count(String outcome) {
		var counter = this.meters.find("status.events").tag("outcome", outcome).counter();
		return (counter == null) ? 0 : counter.count();
	}

}
