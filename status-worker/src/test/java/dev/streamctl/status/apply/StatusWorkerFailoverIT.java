package dev.streamctl.status.apply;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.test.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two status workers at once, as real processes: one applies while the other stands by;
 * killing the active one with SIGKILL mid-stream hands its queue to the other within
 * seconds, and every stream ends in its latest state. Then the replay command re-applies
 * what a wrong key had dead-lettered, leaving the informational events and the SRS
 * heartbeats of the log out, without a warning.
 */
class StatusWorkerFailoverIT {

	private final TestBroker broker = TestBroker.get();

	private final String vhost = this.broker.createVhost("status-failover");

	private final FakePostgrest store = new FakePostgrest();

	private final FakeSrsApi srs = new FakeSrsApi();

	private static final Path JAR = Path.of("target", "status-worker.jar");

	private final List<ServiceProcess> workers = new ArrayList<>();

	@TempDir
	Path logs;

	@AfterEach
	void tearDown() {
		this.workers.forEach(ServiceProcess::close);
		this.store.close();
		this.srs.close();
		this.broker.deleteVhost(this.vhost);
	}

	@Test
	void theStandbyTakesOverWhenTheActiveWorkerIsKilledAndNothingIsLost() throws Exception {
		Map<String, String> env = Map.of("SUPABASE_URL", this.store.url(), "SUPABASE_KEY", FakePostgrest.SERVICE_KEY,
				"SRS_APIS", this.srs.url().toString(), "STATUS_BATCH_SIZE", "5");
		ServiceProcess first = start(env, "first.log");
		ServiceProcess second = start(env, "second.log");
		List<String> keys = new ArrayList<>();
		List<UUID> channels = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			keys.add("f" + i + UUID.randomUUID().toString().replace("-", ""));
			channels.add(this.store.addChannel(keys.get(i)));
		}
		Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

		try (TestRabbit rabbit = new TestRabbit(this.broker, this.vhost)) {
			for (int round = 0; round < 5; round++) {
				Instant at = t0.plusSeconds(round);
				for (String key : keys) {
					rabbit.publish((round % 2 == 0) ? FixtureEvents.published(key, "c" + round, at)
							: FixtureEvents.unpublished(key, "c" + (round - 1), at));
				}
				if (round == 1) {
					await().untilAsserted(() -> assertThat(
							first.counter("status_events_total") + second.counter("status_events_total"))
						.isPositive());
					ServiceProcess active = (first.counter("status_events_total") > 0) ? first : second;
					assertThat((active == first ? second : first).counter("status_events_total"))
						.as("the standby applied nothing")
						.isZero();
					active.kill();
				}
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				for (UUID channel : channels) {
					assertThat(this.store.row(channel)).containsEntry("is_on_live", true)
						.containsEntry("modified", t0.plusSeconds(4));
				}
			});
			assertThat(rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).isZero();
		}
	}

	@Test
	void replayReappliesEventsThatAWrongKeyHadDeadLettered() throws Exception {
		Map<String, String> env = Map.of("SUPABASE_URL", this.store.url(), "SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
		start(env, "worker.log");
		String key = "replay" + UUID.randomUUID().toString().replace("-", "");
		UUID channel = this.store.addChannel(key);
		Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		this.store.failWith(401, "{\"message\":\"Invalid API key\",\"hint\":\"Double check your Supabase key.\"}");

		try (TestRabbit rabbit = new TestRabbit(this.broker, this.vhost)) {
			StreamPublished published = FixtureEvents.published(key, "c1", at);
			rabbit.publish(published);
			rabbit.publish(StreamStalled.of(at.plusMillis(1), published.session(), at));
			rabbit.publish(FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q", at.plusMillis(2)));
			await().untilAsserted(() -> assertThat(rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).isEqualTo(1));
		}
		this.store.clearFaults();

		int exit = ServiceProcess.run(JAR, this.broker, this.vhost, env, this.logs.resolve("replay.log"), "replay",
				"--status.replay.from=" + at.minusSeconds(60), "--status.replay.idle=2s");

		assertThat(exit).isZero();
		assertThat(Files.readString(this.logs.resolve("replay.log")))
			.contains("1 events re-applied, 1 informational left out, 1 heartbeats left out, 0 skipped")
			.doesNotContain("Skipping a log entry");
		await().untilAsserted(() -> assertThat(this.store.row(channel)).containsEntry("is_on_live", true)
			.containsEntry("modified", at));
	}

	private ServiceProcess start(Map<String, String> env, String log) {
		ServiceProcess worker = ServiceProcess.start(JAR, this.broker, this.vhost, env, this.logs.resolve(log));
		this.workers.add(worker);
		return worker;
	}

}
