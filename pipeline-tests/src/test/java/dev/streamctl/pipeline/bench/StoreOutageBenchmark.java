package dev.streamctl.pipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.ServiceProcess;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.pipeline.bench.BenchSupport.Figures;
import dev.streamctl.pipeline.bench.BenchSupport.Report;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static dev.streamctl.pipeline.bench.BenchSupport.fmt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status worker through a store outage (issue 13: "rows are right within 10 s after
 * the store recovers from a 60 s outage; readiness turns down during it; nothing is lost
 * or dead-lettered"). Each run: a worker process with its default settings, a fake store
 * answering in {@code bench.latency.ms} (20 ms); the store then answers every request
 * with 503 for {@code bench.outage.seconds} (60 s), during which
 * {@code bench.outage.events} (100) publish events arrive, spread over the outage; then
 * it recovers. Measured: the time from the recovery until every row is live, when
 * readiness first said DOWN, and when it said UP again; checked: no dead letter, the
 * events queue empty.
 */
class StoreOutageBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final TestBroker broker = TestBroker.get();

	private final int latencyMs = BenchSupport.intProperty("bench.latency.ms", 20);

	private final int outageSeconds = BenchSupport.intProperty("bench.outage.seconds", 60);

	private final int events = BenchSupport.intProperty("bench.outage.events", 100);

	private final Path logs = Path.of("target", "benchmarks", "logs");

	@Test
	void outage() throws Exception {
		int runs = BenchSupport.intProperty("bench.runs", 3);
		Files.createDirectories(this.logs);
		Report report = new Report("store-outage");
		report.line(
				"status worker through a %d s store outage (503 to every request), %d publish events during it, "
						+ "store latency %d ms, worker defaults, %d runs",
				this.outageSeconds, this.events, this.latencyMs, runs);
		report.line("measuring %s", BenchSupport.jarDescription("status-worker"));
		Figures figures = new Figures();
		for (int run = 1; run <= runs; run++) {
			double busy = BenchSupport.waitQuiet(BenchSupport.intProperty("bench.quietWait", 600), 60);
			report.line("");
			report.line("--- run %d of %d (machine %s%% busy before, load %s)", run, runs, fmt(busy),
					BenchSupport.loadAverage());
			runOnce(report, figures, run);
		}
		figures.print(report, "store outage, " + runs + " runs");
		report.line("report: %s", report.file().toAbsolutePath());
	}

	private void runOnce(Report report, Figures figures, int run) throws Exception {
		try (FakePostgrest store = new FakePostgrest()) {
			List<UUID> ids = new ArrayList<>();
			List<StreamPublished> published = new ArrayList<>();
			for (int i = 0; i < this.events; i++) {
				String key = BenchSupport.key("outage" + run, i);
				ids.add(store.addChannel(key));
				published.add(FixtureEvents.published(key, "c" + i, Instant.now()));
			}
			store.setLatency(Duration.ofMillis(this.latencyMs));
			String vhost = BenchSupport.createVhost(this.broker, "bench-outage");
			Map<String, String> env = new HashMap<>();
			env.put("SUPABASE_URL", store.url());
			env.put("SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
			ServiceProcess worker = ServiceProcess.start(BenchSupport.jar("status-worker"), this.broker, vhost, env,
					this.logs.resolve("outage-" + run + "-" + System.currentTimeMillis() + "-worker.log"));
			try (TestRabbit rabbit = new TestRabbit(this.broker, vhost)) {
				store.failWith(503,
						"{\"code\":\"PGRST001\",\"details\":null,\"hint\":null,\"message\":\"Database client error\"}");
				long outageStart = System.nanoTime();
				long outageEnd = outageStart + Duration.ofSeconds(this.outageSeconds).toNanos();
				long firstDown = -1;
				int sent = 0;
				while (System.nanoTime() < outageEnd) {
					long elapsed = System.nanoTime() - outageStart;
					int due = (int) Math.min(this.events,
							(elapsed * (long) this.events) / (outageEnd - outageStart) + 1);
					while (sent < due) {
						StreamPublished event = published.get(sent++);
						rabbit.publish(
								FixtureEvents.published(event.session().stream().value(), "c" + sent, Instant.now()));
					}
					if (firstDown < 0 && !ready(worker)) {
						firstDown = System.nanoTime();
					}
					Thread.sleep(100);
				}
				while (sent < this.events) {
					rabbit.publish(published.get(sent++));
				}
				long liveDuringOutage = live(store, ids);
				store.clearFaults();
				long recovered = System.nanoTime();
				long allLive = -1;
				long upAgain = -1;
				while ((allLive < 0 || upAgain < 0)
						&& System.nanoTime() - recovered < Duration.ofMinutes(5).toNanos()) {
					if (allLive < 0 && live(store, ids) == ids.size()) {
						allLive = System.nanoTime();
					}
					if (upAgain < 0 && ready(worker)) {
						upAgain = System.nanoTime();
					}
					Thread.sleep(50);
				}
				assertThat(allLive).as("every row live within 5 minutes of the recovery").isPositive();
				long deadLetters = rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE);
				double recovery = (allLive - recovered) / 1e9;
				double down = (firstDown < 0) ? Double.NaN : (firstDown - outageStart) / 1e9;
				double up = (upAgain < 0) ? Double.NaN : (upAgain - recovered) / 1e9;
				report.line(
						"rows live during the outage %d of %d; after recovery all live in %s s; readiness DOWN "
								+ "%s s into the outage, UP %s s after the recovery; dead letters %d; status_events %s",
						liveDuringOutage, ids.size(), fmt(recovery), fmt(down), fmt(up), deadLetters,
						BenchSupport.counterByTag(worker, "status_events_total", "outcome"));
				figures.add("seconds from recovery to every row live", recovery);
				figures.add("readiness DOWN, seconds into the outage", down);
				figures.add("readiness UP, seconds after the recovery", up);
				figures.add("dead letters", deadLetters);
			}
			finally {
				worker.terminate();
				this.broker.deleteVhost(vhost);
			}
		}
	}

	/**
	 * Whether the readiness group as a whole is UP (its components may be UP while it is
	 * not).
	 */
	private static boolean ready(ServiceProcess worker) {
		try {
			return "UP".equals(JSON.readTree(worker.get("/actuator/health/readiness")).path("status").asString());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static long live(FakePostgrest store, List<UUID> ids) {
		return ids.stream().filter(id -> Boolean.TRUE.equals(store.row(id).get("is_on_live"))).count();
	}

}
