package dev.streamctl.pipeline.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

import static dev.streamctl.pipeline.bench.BenchSupport.fmt;
import static dev.streamctl.pipeline.bench.BenchSupport.fmt2;
import static dev.streamctl.pipeline.bench.BenchSupport.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Burst benchmark of the status worker (issue: "10,000 publish events, as after an SRS
 * restart, against a Supabase stub answering in 20 ms: time until all applied (goal 30 s)
 * and the number of HTTP calls made").
 * <p>
 * Each run, each case on a fresh {@link FakePostgrest} (one channel per event, every
 * request delayed by {@code bench.latency.ms}), a fresh vhost and a fresh worker process:
 * <ul>
 * <li><b>queued</b>: the events are already in {@code status.events} when the worker
 * starts (the queue is declared by a worker started with {@code STATUS_CONSUME=false} and
 * stopped): the SRS-restart case with the worker catching up. Timed from the worker's
 * first request to the store to the moment its {@code status_events_total} counts every
 * event; the worker's start-up is shown apart.</li>
 * <li><b>streamed</b>: the worker is up and has applied {@code bench.status.warmup}
 * (1,000) events of other channels, so its JIT is as warm as a long-running worker's when
 * SRS restarts; the events are then published as fast as the broker confirms them
 * (pipelined, the worker consuming meanwhile). Timed from the first publish to every
 * event counted.</li>
 * <li><b>queued, per-row path</b>: the queued case against a store without the
 * {@code apply_stream_events} function, so the worker writes one PATCH per row, as it did
 * before the function (and does on a store where the migration was not applied).</li>
 * <li><b>queued, alternative</b>: the queued case with other settings
 * ({@code bench.status.alt}, e.g. {@code STATUS_BATCH_SIZE=500}; empty, the default, to
 * leave it out).</li>
 * <li><b>reference</b>: a bare HTTP client in this JVM making the same two requests per
 * event (look-up by key, conditional PATCH) 32 at a time against an identical fake: what
 * the store stub allows this algorithm.</li>
 * </ul>
 * Correctness checks only: every event applied, every row live, nothing dead-lettered.
 */
class StatusBurstBenchmark {

	private static final Duration MAX_WAIT = Duration.ofMinutes(10);

	private static final Pattern COUNT = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.Ee+]+)");

	private final TestBroker broker = TestBroker.get();

	private final int events = BenchSupport.intProperty("bench.events", 10_000);

	private final int latencyMs = BenchSupport.intProperty("bench.latency.ms", 20);

	private final int warmupEvents = BenchSupport.intProperty("bench.status.warmup", 1000);

	private final Path logs = Path.of("target", "benchmarks", "logs");

	private Report report;

	@Test
	void burst() throws Exception {
		int runs = BenchSupport.intProperty("bench.runs", 3);
		String alt = BenchSupport.property("bench.status.alt", "");
		Map<String, String> altEnv = BenchSupport.parseEnv(alt);
		Files.createDirectories(this.logs);
		this.report = new Report("status-burst");
		this.report.line(
				"status worker burst: %d publish events, store latency %d ms, %d runs, worker defaults "
						+ "batch 1000 / batch wait 20 ms / concurrency 32, alternative: %s",
				this.events, this.latencyMs, runs, altEnv.isEmpty() ? "none" : alt);
		this.report.line("measuring %s", BenchSupport.jarDescription("status-worker"));
		Figures figures = new Figures();
		for (int run = 1; run <= runs; run++) {
			double busy = BenchSupport.waitQuiet(BenchSupport.intProperty("bench.quietWait", 600), 60);
			this.report.line("");
			this.report.line("--- run %d of %d (machine %s%% busy before, load %s)", run, runs, fmt(busy),
					BenchSupport.loadAverage());
			Result queued = workerBurst("queued", Map.of(), true, false);
			Result streamed = workerBurst("streamed (worker warmed up)", Map.of(), false, false);
			Result perRow = workerBurst("queued, per-row path (no function)", Map.of(), true, true);
			Result queuedAlt = altEnv.isEmpty() ? null : workerBurst("queued " + alt, altEnv, true, false);
			Result reference = referenceBurst(32);
			for (Result result : (queuedAlt == null) ? List.of(queued, streamed, perRow, reference)
					: List.of(queued, streamed, perRow, queuedAlt, reference)) {
				result.addTo(figures);
			}
			figures.add("ratio per-row path / queued", perRow.seconds / queued.seconds);
			figures.add("ratio queued / reference", queued.seconds / reference.seconds);
			figures.add("ratio streamed / reference", streamed.seconds / reference.seconds);
			if (queuedAlt != null) {
				figures.add("ratio queued alternative / queued default", queuedAlt.seconds / queued.seconds);
			}
		}
		figures.print(this.report, "status worker burst, " + runs + " runs");
		double floor = 2.0 * this.events * this.latencyMs / 32 / 1000;
		this.report.line("floor of 2 requests per event, 32 at a time, %d ms each: %s s", this.latencyMs, fmt(floor));
		this.report.line("report: %s", this.report.file().toAbsolutePath());
	}

	/** One case with the worker process; see the class comment. */
	private Result workerBurst(String label, Map<String, String> extraEnv, boolean queued, boolean perRow)
			throws Exception {
		try (FakePostgrest store = new FakePostgrest()) {
			store.applyFunction(!perRow);
			Map<String, UUID> ids = new LinkedHashMap<>();
			List<StreamPublished> published = new ArrayList<>();
			List<StreamPublished> warmup = new ArrayList<>();
			Instant now = Instant.now();
			for (int i = 0; i < this.events; i++) {
				String key = BenchSupport.key("burst", i);
				ids.put(key, store.addChannel(key));
				published.add(FixtureEvents.published(key, "c" + i, now.plusNanos(i * 1000L)));
			}
			for (int i = 0; !queued && i < this.warmupEvents; i++) {
				String key = BenchSupport.key("warm", i);
				ids.put(key, store.addChannel(key));
				warmup.add(FixtureEvents.published(key, "w" + i, now.plusNanos(i * 1000L)));
			}
			store.setLatency(Duration.ofMillis(this.latencyMs));
			String vhost = BenchSupport.createVhost(this.broker, "bench-status");
			List<ServiceProcess> started = new ArrayList<>();
			String tag = label.replaceAll("[^A-Za-z0-9]+", "-") + "-" + System.currentTimeMillis();
			Map<String, String> env = new HashMap<>(extraEnv);
			env.put("SUPABASE_URL", store.url());
			env.put("SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
			ProcessHandle self = ProcessHandle.current();
			try (TestRabbit rabbit = new TestRabbit(this.broker, vhost)) {
				Result result = new Result(label);
				ServiceProcess worker;
				long start;
				long done;
				double harnessCpu;
				long[] cpu;
				if (queued) {
					Map<String, String> declarerEnv = new HashMap<>(env);
					declarerEnv.put("STATUS_CONSUME", "false");
					ServiceProcess declarer = ServiceProcess.start(BenchSupport.jar("status-worker"), this.broker,
							vhost, declarerEnv, this.logs.resolve(tag + "-declarer.log"));
					started.add(declarer);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> rabbit.admin().getQueueInfo(StatusTopology.EVENTS_QUEUE) != null);
					declarer.kill();
					result.publishSeconds = BenchSupport.publishPipelined(this.broker, vhost, published, 500) / 1e9;
					await().atMost(Duration.ofSeconds(60))
						.until(() -> rabbit.messageCount(StatusTopology.EVENTS_QUEUE) == this.events);
					store.clearRequests();
					FirstRequest watcher = FirstRequest.watch(store);
					cpu = BenchSupport.cpuTicks();
					long launch = System.nanoTime();
					worker = ServiceProcess.start(BenchSupport.jar("status-worker"), this.broker, vhost, env,
							this.logs.resolve(tag + "-worker.log"));
					started.add(worker);
					result.readySeconds = (System.nanoTime() - launch) / 1e9;
					done = waitApplied(worker, this.events);
					start = watcher.stop();
					result.workerCpu = BenchSupport.cpuSeconds(BenchSupport.serviceProcess("status-worker"))
							- watcher.cpu;
					harnessCpu = BenchSupport.cpuSeconds(self) - watcher.selfCpu;
					result.launchToDoneSeconds = (done - launch) / 1e9;
				}
				else {
					worker = ServiceProcess.start(BenchSupport.jar("status-worker"), this.broker, vhost, env,
							this.logs.resolve(tag + "-worker.log"));
					started.add(worker);
					if (!warmup.isEmpty()) {
						BenchSupport.publishPipelined(this.broker, vhost, warmup, 500);
						waitApplied(worker, warmup.size());
					}
					store.clearRequests();
					ProcessHandle process = BenchSupport.serviceProcess("status-worker");
					double cpuBefore = BenchSupport.cpuSeconds(process);
					double selfBefore = BenchSupport.cpuSeconds(self);
					cpu = BenchSupport.cpuTicks();
					start = System.nanoTime();
					result.publishSeconds = BenchSupport.publishPipelined(this.broker, vhost, published, 500) / 1e9;
					done = waitApplied(worker, warmup.size() + this.events);
					result.workerCpu = BenchSupport.cpuSeconds(process) - cpuBefore;
					harnessCpu = BenchSupport.cpuSeconds(self) - selfBefore;
				}
				result.seconds = (done - start) / 1e9;
				result.harnessCpu = harnessCpu;
				result.busy = BenchSupport.busyPercent(cpu, BenchSupport.cpuTicks());
				result.finish(store, worker, rabbit, ids);
				result.print(this.report);
				return result;
			}
			finally {
				// SIGTERM, so that a worker run with
				// JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=...,dumponexit=true
				// (bench.status.alt) writes its recording; everything is measured by now
				for (ServiceProcess process : started) {
					process.terminate();
				}
				this.broker.deleteVhost(vhost);
			}
		}
	}

	/**
	 * Polls the worker's {@code status.events} count every 100 ms until every event is
	 * counted; answers the nanoTime it was seen.
	 */
	private long waitApplied(ServiceProcess worker, int count) throws InterruptedException {
		long deadline = System.nanoTime() + MAX_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			double counted;
			try {
				// the one metric, not the whole Prometheus page: rendering that 10 times
				// a second took about a tenth of the worker's CPU samples in a profile of
				// the burst
				String metric = worker.get("/actuator/metrics/status.events");
				Matcher matcher = COUNT.matcher(metric);
				counted = matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
			}
			catch (RuntimeException ex) {
				counted = 0;
			}
			if (counted >= count) {
				return System.nanoTime();
			}
			Thread.sleep(100);
		}
		throw new AssertionError("the worker did not count " + count + " events within " + MAX_WAIT);
	}

	/**
	 * The bare client: look-up by key then conditional PATCH per event,
	 * {@code concurrency} at a time.
	 */
	private Result referenceBurst(int concurrency) throws Exception {
		try (FakePostgrest store = new FakePostgrest()) {
			Map<String, UUID> ids = new LinkedHashMap<>();
			for (int i = 0; i < this.events; i++) {
				String key = BenchSupport.key("ref", i);
				ids.put(key, store.addChannel(key));
			}
			store.setLatency(Duration.ofMillis(this.latencyMs));
			HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			ExecutorService pool = Executors.newFixedThreadPool(concurrency);
			StoreReferenceClient reference = new StoreReferenceClient(http, store);
			Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
			double selfBefore = BenchSupport.cpuSeconds(ProcessHandle.current());
			long[] cpu = BenchSupport.cpuTicks();
			long start = System.nanoTime();
			try {
				List<Future<Integer>> writes = new ArrayList<>();
				for (String key : ids.keySet()) {
					writes.add(pool.submit(() -> {
						return reference.setLive(reference.lookUp(key), at);
					}));
				}
				for (Future<Integer> write : writes) {
					assertThat(write.get()).isEqualTo(200);
				}
			}
			finally {
				pool.shutdownNow();
			}
			Result result = new Result("reference (bare client, 32 at a time)");
			result.seconds = (System.nanoTime() - start) / 1e9;
			result.busy = BenchSupport.busyPercent(cpu, BenchSupport.cpuTicks());
			result.harnessCpu = BenchSupport.cpuSeconds(ProcessHandle.current()) - selfBefore;
			result.kinds = BenchSupport.requestKinds(store.requests());
			result.checkRows(store, ids);
			result.print(this.report);
			return result;
		}
	}

	/** Notes the moment the store receives its first request. */
	private static final class FirstRequest {

		private final AtomicLong first = new AtomicLong();

		private volatile double cpu = Double.NaN;

		private volatile double selfCpu = Double.NaN;

		private final Thread thread;

		private FirstRequest(FakePostgrest store) {
			this.thread = new Thread(() -> {
				while (!Thread.currentThread().isInterrupted()) {
					if (store.requestCount() > 0) {
						this.first.set(System.nanoTime());
						this.selfCpu = BenchSupport.cpuSeconds(ProcessHandle.current());
						this.cpu = BenchSupport.cpuSeconds(BenchSupport.serviceProcess("status-worker"));
						return;
					}
					try {
						Thread.sleep(1);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "first-request-watcher");
			this.thread.setDaemon(true);
		}

		static FirstRequest watch(FakePostgrest store) {
			FirstRequest watcher = new FirstRequest(store);
			watcher.thread.start();
			return watcher;
		}

		long stop() throws InterruptedException {
			this.thread.join(5000);
			this.thread.interrupt();
			assertThat(this.first.get()).as("the store saw a request").isNotZero();
			return this.first.get();
		}

	}

	private final class Result {

		private final String label;

		private double seconds;

		private double readySeconds = Double.NaN;

		private double launchToDoneSeconds = Double.NaN;

		private double publishSeconds = Double.NaN;

		private double busy;

		private double workerCpu = Double.NaN;

		private double harnessCpu = Double.NaN;

		private Map<String, Integer> kinds = Map.of();

		private Map<String, Double> outcomes = new LinkedHashMap<>();

		private long warnings;

		private long errors;

		private String firstWarning = "";

		Result(String label) {
			this.label = label;
		}

		void finish(FakePostgrest store, ServiceProcess worker, TestRabbit rabbit, Map<String, UUID> ids)
				throws Exception {
			this.kinds = BenchSupport.requestKinds(store.requests());
			for (String line : worker.get("/actuator/prometheus").lines().toList()) {
				if (line.startsWith("status_events_total{")) {
					String outcome = line.replaceAll(".*outcome=\"([^\"]+)\".*", "$1");
					this.outcomes.merge(outcome, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)),
							Double::sum);
				}
			}
			checkRows(store, ids);
			assertThat(this.outcomes.getOrDefault("applied", 0.0)).as("events applied").isEqualTo(ids.size());
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(rabbit.messageCount(StatusTopology.EVENTS_QUEUE)).isZero());
			assertThat(rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).as("dead letters").isZero();
			for (String line : worker.logOutput().lines().toList()) {
				if (line.contains(" WARN ")) {
					this.warnings++;
					if (this.firstWarning.isEmpty()) {
						this.firstWarning = line.length() > 300 ? line.substring(0, 300) : line;
					}
				}
				if (line.contains(" ERROR ")) {
					this.errors++;
				}
			}
		}

		void checkRows(FakePostgrest store, Map<String, UUID> ids) {
			long live = store.rows()
				.stream()
				.filter(row -> Boolean.TRUE.equals(row.get("is_on_live")) && "online".equals(row.get("last_status")))
				.count();
			assertThat(live).as("rows live and online").isEqualTo(ids.size());
		}

		void print(Report report) {
			int requests = this.kinds.values().stream().mapToInt(Integer::intValue).sum();
			report.line("%-44s %8s s  (%s events/s)  HTTP requests %d %s  per event %s", this.label, fmt(this.seconds),
					fmt(StatusBurstBenchmark.this.events / this.seconds), requests, this.kinds,
					fmt2((double) requests / StatusBurstBenchmark.this.events));
			if (!Double.isNaN(this.readySeconds)) {
				report.line("%-44s worker launch->ready %s s, launch->all applied %s s", "", fmt(this.readySeconds),
						fmt(this.launchToDoneSeconds));
			}
			if (!Double.isNaN(this.publishSeconds)) {
				report.line("%-44s publishing took %s s", "", fmt(this.publishSeconds));
			}
			if (!this.outcomes.isEmpty()) {
				report.line("%-44s outcomes %s; worker log: %d WARN, %d ERROR %s", "", this.outcomes, this.warnings,
						this.errors, this.firstWarning.isEmpty() ? "" : "first: " + this.firstWarning);
			}
			if (!Double.isNaN(this.workerCpu)) {
				report.line("%-44s worker CPU %s s (%s ms per event)", "", fmt2(this.workerCpu),
						fmt2(1000 * this.workerCpu / StatusBurstBenchmark.this.events));
			}
			if (!Double.isNaN(this.harnessCpu)) {
				report.line("%-44s this JVM's CPU (fake store, harness) %s s", "", fmt2(this.harnessCpu));
			}
			report.line("%-44s machine %s%% busy meanwhile, load %s", "", fmt(this.busy), BenchSupport.loadAverage());
		}

		void addTo(Figures figures) {
			figures.add(this.label + ": seconds", this.seconds);
			int requests = this.kinds.values().stream().mapToInt(Integer::intValue).sum();
			figures.add(this.label + ": HTTP requests", requests);
			this.kinds.forEach((kind, count) -> {
				if (count > 0) {
					figures.add(this.label + ":   " + kind, count);
				}
			});
			if (!Double.isNaN(this.launchToDoneSeconds)) {
				figures.add(this.label + ": worker launch->all applied s", this.launchToDoneSeconds);
			}
			if (!Double.isNaN(this.publishSeconds)) {
				figures.add(this.label + ": publishing s", this.publishSeconds);
			}
			if (!Double.isNaN(this.workerCpu)) {
				figures.add(this.label + ": worker CPU s", this.workerCpu);
			}
			if (!Double.isNaN(this.harnessCpu)) {
				figures.add(this.label + ": test JVM CPU s (fake store + harness)", this.harnessCpu);
			}
			figures.add(this.label + ": machine busy %", this.busy);
		}

	}

}
