package dev.streamctl.status.apply;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.StatusTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Against a store without {@code apply_stream_events} (PostgREST answers 404 PGRST202),
 * the worker writes row by row, says once which migration to apply, and keeps every
 * guarantee.
 */
@DirtiesContext
@SpringBootTest(properties = { "status.reconnect-grace=0s", "status.reconciler.enabled=false" })
@ExtendWith(OutputCaptureExtension.class)
class BulkFunctionFallbackIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("fallback-it");

	private static final FakePostgrest store = new FakePostgrest();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		store.applyFunction(false);
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
	}

	@AfterAll
	static void tearDown() {
		store.close();
	}

	private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@Test
	void writesRowByRowWithOneWarningNamingTheMigration(CapturedOutput output) {
		String key = "f" + UUID.randomUUID().toString().replace("-", "");
		String other = "f" + UUID.randomUUID().toString().replace("-", "");
		UUID channel = store.addChannel(key);
		UUID otherChannel = store.addChannel(other);
		try (TestRabbit rabbit = new TestRabbit(broker, vhost)) {
			rabbit.publish(FixtureEvents.published(key, "s1", this.t0));
			rabbit.publish(FixtureEvents.published(other, "o1", this.t0));
			rabbit.publish(FixtureEvents.unpublished(other, "o1", this.t0.plusSeconds(5)));
			rabbit.publish(FixtureEvents.unpublished(key, "s0", this.t0.minusSeconds(5)));

			await().untilAsserted(() -> {
				assertThat(store.row(channel)).containsEntry("is_on_live", true).containsEntry("modified", this.t0);
				assertThat(store.row(otherChannel)).containsEntry("is_on_live", false)
					.containsEntry("modified", this.t0.plusSeconds(5));
			});
			assertThat(store.requests()).anyMatch(request -> request.method().equals("PATCH"));
			assertThat(rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).isZero();
		}
		assertThat(output.getAll().split("20261130000000_apply_stream_events.sql", -1)).hasSize(2);
	}

}
