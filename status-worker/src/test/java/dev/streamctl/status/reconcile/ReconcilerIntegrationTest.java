package dev.streamctl.status.reconcile;

import java.time.Instant;
import java.util.UUID;

import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.TestBroker;
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
 * The reconciler repairs the store against SRS's API (an offline correction after the
 * reconnect grace, here 1 s), and changes nothing on an API it cannot read.
 */
@DirtiesContext
@SpringBootTest(properties = { "status.reconciler.interval=200ms", "status.reconnect-grace=1s",
		"status.reconciler.leader-renewal=1s" })
class ReconcilerIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("reconciler-it");

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
	void setsOfflineAChannelNoSrsListsAndLiveAStreamSrsPublishes() {
		UUID stuck = store.addChannel(key(), true, Instant.now().minusSeconds(3600));
		String publishing = key();
		UUID missed = store.addChannel(publishing);
		srs.publish("live", publishing, "c1");

		await().untilAsserted(() -> {
			assertThat(store.row(stuck)).containsEntry("is_on_live", false).containsEntry("last_status", "offline");
			assertThat(store.row(missed)).containsEntry("is_on_live", true).containsEntry("last_status", "online");
		});
		assertThat(this.meters.get("status.reconciler.corrections").tag("set", "offline").counter().count())
			.isPositive();
		assertThat(this.meters.get("status.reconciler.corrections").tag("set", "online").counter().count())
			.isPositive();
	}

	@Test
	void changesNothingWhileAnSrsApiCannotBeRead() {
		double before = runs("partial");
		srs.failWith(500);
		// A round that read SRS just before the failure lists the store after it,
		// and would set a channel added meanwhile offline. Rounds never overlap:
		// once one round has met the failure, every later round meets it too.
		await().untilAsserted(() -> assertThat(runs("partial")).isGreaterThan(before));
		UUID live = store.addChannel(key(), true, Instant.now().minusSeconds(3600));
		double partial = runs("partial");

		await().untilAsserted(() -> assertThat(runs("partial")).isGreaterThanOrEqualTo(partial + 3));
		assertThat(store.row(live)).containsEntry("is_on_live", true);

		srs.failWith(0);
		await().untilAsserted(() -> assertThat(store.row(live)).containsEntry("is_on_live", false));
	}

	private double runs(String result) {
		var counter = this.meters.find("status.reconciler.runs").tag("result", result).counter();
		return (counter == null) ? 0 : counter.count();
	}

	private static String key() {
		return "r" + UUID.randomUUID().toString().replace("-", "");
	}

}
