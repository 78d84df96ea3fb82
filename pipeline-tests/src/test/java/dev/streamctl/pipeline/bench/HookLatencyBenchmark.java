package dev.streamctl.pipeline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamctl.common.test.ServiceProcess;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.pipeline.bench.BenchSupport.Figures;
import dev.streamctl.pipeline.bench.BenchSupport.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.streamctl.pipeline.bench.BenchSupport.fmt;
import static dev.streamctl.pipeline.bench.BenchSupport.ms;
import static dev.streamctl.pipeline.bench.BenchSupport.percentile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hook-to-state latency (issue: "gateway + broker + worker against the stub, p50/p99 on
 * this machine").
 * <p>
 * Each run starts a fresh {@link FakePostgrest} (every request delayed by
 * {@code bench.latency.ms}, 20 ms), a status worker and a hook gateway
 * ({@code GATEWAY_AUTH_MODE=open}, so no authorization look-up counts) on a fresh vhost.
 * Real {@code on_publish} bodies (distinct keys, each with a channel) are posted
 * open-loop at {@code bench.hook.rate} per second (20) for {@code bench.hook.seconds}
 * (30), after an unmeasured warm-up of {@code bench.hook.warmup} seconds (5). For each
 * hook: the time from just before the POST to the moment the fake's row shows
 * {@code is_on_live=true} (a poller reads the rows every millisecond or so), and the time
 * the hook's answer took. Each run does this at {@code bench.hook.rate} and again, on
 * fresh processes, at {@code bench.hook.lowRate} per second (5; 0 leaves it out), and,
 * when {@code bench.hook.alt} names worker settings (e.g. {@code STATUS_BATCH_SIZE=1}),
 * once more at the main rate with them.
 * <p>
 * Reference, measured in the same run from this JVM against the same fake: one store
 * round trip (the look-up by key) and a look-up followed by the conditional PATCH, which
 * is what the worker must do for a key it has not cached: the pipeline's overhead is the
 * hook-to-state time above that.
 */
class HookLatencyBenchmark {

	private static final String HOOK_SECRET = "bench-secret-" + UUID.randomUUID();

	private final TestBroker broker = TestBroker.get();

	private final int latencyMs = BenchSupport.intProperty("bench.latency.ms", 20);

	private final int rate = BenchSupport.intProperty("bench.hook.rate", 20);

	private final int seconds = BenchSupport.intProperty("bench.hook.seconds", 30);

	private final int warmupSeconds = BenchSupport.intProperty("bench.hook.warmup", 5);

	private final Path logs = Path.of("target", "benchmarks", "logs");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@TempDir
	Path work;

	private Report report;

	@Test
	void hookToState() throws Exception {
		int runs = BenchSupport.intProperty("bench.runs", 3);
		String alt = BenchSupport.property("bench.hook.alt", "");
		int lowRate = BenchSupport.intProperty("bench.hook.lowRate", 5);
		Map<String, String> altEnv = BenchSupport.parseEnv(alt);
		Files.createDirectories(this.logs);
		this.report = new Report("hook-to-state");
		this.report.line("hook-to-state latency: on_publish at %d/s (and %s) for %d s each (after %d s unmeasured), "
				+ "store latency %d ms, gateway open mode, worker defaults (batch 200, concurrency 32), alternative worker "
				+ "setting at %d/s: %s, %d runs", this.rate, (lowRate > 0) ? lowRate + "/s" : "no other rate",
				this.seconds, this.warmupSeconds, this.latencyMs, this.rate, altEnv.isEmpty() ? "none" : alt, runs);
		this.report.line("measuring %s", BenchSupport.jarDescription("status-worker"));
		this.report.line("measuring %s", BenchSupport.jarDescription("hook-gateway"));
		Figures figures = new Figures();
		for (int run = 1; run <= runs; run++) {
			double busy = BenchSupport.waitQuiet(BenchSupport.intProperty("bench.quietWait", 600), 60);
			this.report.line("");
			this.report.line("--- run %d of %d (machine %s%% busy before, load %s)", run, runs, fmt(busy),
					BenchSupport.loadAverage());
			Map<String, Double> defaults = oneRun(run, this.rate, "defaults", Map.of(), figures);
			if (lowRate > 0) {
				Map<String, Double> slow = oneRun(run, lowRate, "defaults", Map.of(), figures);
				figures.add("ratio hook->live p50, " + lowRate + "/s / " + this.rate + "/s",
						slow.get("p50") / defaults.get("p50"));
			}
			if (!altEnv.isEmpty()) {
				Map<String, Double> other = oneRun(run, this.rate, alt, altEnv, figures);
				figures.add("ratio hook->live p50, " + alt + " / defaults", other.get("p50") / defaults.get("p50"));
				figures.add("ratio hook->live p99, " + alt + " / defaults", other.get("p99") / defaults.get("p99"));
			}
		}
		figures.print(this.report, "hook-to-state latency, " + runs + " runs, ms");
		this.report.line("report: %s", this.report.file().toAbsolutePath());
	}

	private Map<String, Double> oneRun(int run, int rate, String setting, Map<String, String> workerEnv,
			Figures figures) throws Exception {
		String label = rate + "/s, " + setting;
		this.report.line("[%s/s, worker %s]", rate, setting);
		int warmupCount = rate * this.warmupSeconds;
		int measuredCount = rate * this.seconds;
		int probes = this.seconds * 4 + 20;
		try (FakePostgrest store = new FakePostgrest()) {
			List<Sample> warmup = new ArrayList<>();
			List<Sample> measured = new ArrayList<>();
			for (int i = 0; i < warmupCount + measuredCount; i++) {
				String key = BenchSupport.key("hook", i);
				Sample sample = new Sample(key, store.addChannel(key), "c" + run + "x" + i);
				((i < warmupCount) ? warmup : measured).add(sample);
			}
			List<String> referenceKeys = new ArrayList<>();
			for (int i = 0; i < probes; i++) {
				String key = BenchSupport.key("probe", i);
				store.addChannel(key);
				referenceKeys.add(key);
			}
			store.setLatency(Duration.ofMillis(this.latencyMs));
			String vhost = BenchSupport.createVhost(this.broker, "bench-hook");
			String tag = "hook-run" + run + "-" + label.replaceAll("[^A-Za-z0-9]+", "-") + "-"
					+ System.currentTimeMillis();
			List<ServiceProcess> started = new ArrayList<>();
			Map<String, Double> result;
			try (TestRabbit rabbit = new TestRabbit(this.broker, vhost)) {
				Map<String, String> env = new HashMap<>();
				env.put("SUPABASE_URL", store.url());
				env.put("SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
				Map<String, String> statusEnv = new HashMap<>(env);
				statusEnv.putAll(workerEnv);
				ServiceProcess worker = ServiceProcess.start(BenchSupport.jar("status-worker"), this.broker, vhost,
						statusEnv, this.logs.resolve(tag + "-worker.log"));
				started.add(worker);
				Map<String, String> gatewayEnv = new HashMap<>(env);
				gatewayEnv.put("GATEWAY_AUTH_MODE", "open");
				gatewayEnv.put("HOOK_SECRET", HOOK_SECRET);
				gatewayEnv.put("GATEWAY_DELIVERY_SPOOL_DIRECTORY", this.work.resolve("spool-" + run).toString());
				ServiceProcess gateway = ServiceProcess.start(BenchSupport.jar("hook-gateway"), this.broker, vhost,
						gatewayEnv, this.logs.resolve(tag + "-gateway.log"));
				started.add(gateway);
				String hooks = gateway.baseUrl() + "/srs/hooks?secret=" + HOOK_SECRET;

				LivePoller poller = LivePoller.start(store);
				try {
					post(hooks, warmup, poller, rate);
					poller.awaitAll(warmup, Duration.ofSeconds(60));
					int before = store.requestCount();
					long[] cpu = BenchSupport.cpuTicks();
					ReferenceProbe probe = ReferenceProbe.start(this.http, store, referenceKeys);
					post(hooks, measured, poller, rate);
					probe.stop();
					poller.awaitAll(measured, Duration.ofSeconds(60));
					double busy = BenchSupport.busyPercent(cpu, BenchSupport.cpuTicks());
					int workerRequests = store.requestCount() - before - 2 * probe.count();
					Map<String, Double> handOffs = BenchSupport.counterByTag(gateway, "gateway_events_total",
							"outcome");
					result = record(label, measured, probe, workerRequests, busy, handOffs, figures);
				}
				finally {
					poller.stop();
				}
				assertThat(rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).as("dead letters").isZero();
				for (ServiceProcess service : started) {
					long problems = service.logOutput()
						.lines()
						.filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
						.count();
					if (problems > 0) {
						this.report.line("  %s log: %d WARN/ERROR lines, e.g. %s",
								service == worker ? "worker" : "gateway", problems,
								service.logOutput()
									.lines()
									.filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
									.findFirst()
									.orElse(""));
					}
				}
			}
			finally {
				for (ServiceProcess process : started) {
					process.kill();
				}
				this.broker.deleteVhost(vhost);
			}
			return result;
		}
	}

	/**
	 * Posts the samples' on_publish hooks open-loop at the rate, each from its own
	 * thread; waits for the answers.
	 */
	private void post(String url, List<Sample> samples, LivePoller poller, int rate) throws InterruptedException {
		ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
		ExecutorService senders = Executors.newCachedThreadPool();
		CountDownLatch answered = new CountDownLatch(samples.size());
		AtomicInteger next = new AtomicInteger();
		try {
			clock.scheduleAtFixedRate(() -> {
				int i = next.getAndIncrement();
				if (i >= samples.size()) {
					return;
				}
				Sample sample = samples.get(i);
				senders.execute(() -> {
					try {
						HttpRequest request = HttpRequest.newBuilder(URI.create(url))
							.header("Content-Type", "application/json")
							.timeout(Duration.ofSeconds(10))
							.POST(HttpRequest.BodyPublishers.ofString(SrsFixtures.with("on_publish.json",
									Map.of("stream", sample.key, "client_id", sample.clientId))))
							.build();
						sample.sent = System.nanoTime();
						poller.watch(sample);
						HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
						sample.answered = System.nanoTime();
						sample.status = response.statusCode();
						sample.answer = response.body();
					}
					catch (Exception ex) {
						sample.answer = String.valueOf(ex);
					}
					finally {
						answered.countDown();
					}
				});
			}, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
			assertThat(answered.await(samples.size() / rate + 60, TimeUnit.SECONDS)).as("every hook answered").isTrue();
		}
		finally {
			clock.shutdownNow();
			senders.shutdown();
		}
		for (Sample sample : samples) {
			assertThat(sample.status).as("answer to the hook of " + sample.key + ": " + sample.answer).isEqualTo(200);
			assertThat(sample.answer).contains("\"code\":0");
		}
	}

	private Map<String, Double> record(String label, List<Sample> samples, ReferenceProbe probe, int workerRequests,
			double busy, Map<String, Double> gatewayEvents, Figures figures) {
		List<Double> toState = new ArrayList<>();
		List<Double> answer = new ArrayList<>();
		for (Sample sample : samples) {
			toState.add(ms(sample.live - sample.sent));
			answer.add(ms(sample.answered - sample.sent));
		}
		double p50 = percentile(toState, 50);
		double p99 = percentile(toState, 99);
		double roundTrip = percentile(probe.lookups, 50);
		double twoTrips = percentile(probe.lookupAndWrite, 50);
		this.report.line("hook -> row live:   p50 %s  p90 %s  p99 %s  max %s ms  (%d hooks)", fmt(p50),
				fmt(percentile(toState, 90)), fmt(p99), fmt(percentile(toState, 100)), samples.size());
		this.report.line("hook answer:        p50 %s  p99 %s  max %s ms", fmt(percentile(answer, 50)),
				fmt(percentile(answer, 99)), fmt(percentile(answer, 100)));
		this.report.line(
				"reference, from this JVM to the fake (set to %d ms): one request p50 %s p99 %s ms; "
						+ "look-up + PATCH p50 %s p99 %s ms  (%d probes)",
				this.latencyMs, fmt(roundTrip), fmt(percentile(probe.lookups, 99)), fmt(twoTrips),
				fmt(percentile(probe.lookupAndWrite, 99)), probe.count());
		this.report.line(
				"pipeline overhead above look-up + PATCH: p50 %s ms, p99 %s ms; store requests by the worker "
						+ "per hook %s; machine %s%% busy",
				fmt(p50 - twoTrips), fmt(p99 - twoTrips), BenchSupport.fmt2((double) workerRequests / samples.size()),
				fmt(busy));
		double spooled = gatewayEvents.getOrDefault("spooled", 0.0);
		this.report.line("gateway hand-offs over the whole run (warm-up included): %s", gatewayEvents);
		figures.add(label + ": hook -> row live p50", p50);
		figures.add(label + ": hook -> row live p90", percentile(toState, 90));
		figures.add(label + ": hook -> row live p99", p99);
		figures.add(label + ": hook -> row live max", percentile(toState, 100));
		figures.add(label + ": hook answer p50", percentile(answer, 50));
		figures.add(label + ": hook answer p99", percentile(answer, 99));
		figures.add(label + ": reference: one store request p50", roundTrip);
		figures.add(label + ": reference: look-up + PATCH p50", twoTrips);
		figures.add(label + ": reference: look-up + PATCH p99", percentile(probe.lookupAndWrite, 99));
		figures.add(label + ": overhead p50 (hook->live p50 - look-up+PATCH p50)", p50 - twoTrips);
		figures.add(label + ": overhead p99 (hook->live p99 - look-up+PATCH p50)", p99 - twoTrips);
		figures.add(label + ": ratio hook->live p50 / look-up+PATCH p50", p50 / twoTrips);
		figures.add(label + ": store requests by the worker per hook", (double) workerRequests / samples.size());
		figures.add(label + ": machine busy %", busy);
		figures.add(label + ": hooks spooled by the gateway (whole run)", spooled);
		return Map.of("p50", p50, "p99", p99);
	}

	private static final class Sample {

		private final String key;

		private final UUID id;

		private final String clientId;

		private volatile long sent;

		private volatile long answered;

		private volatile long live;

		private volatile int status;

		private volatile String answer = "";

		Sample(String key, UUID id, String clientId) {
			this.key = key;
			this.id = id;
			this.clientId = clientId;
		}

	}

	/**
	 * Reads the rows of the hooks in flight about every millisecond and notes when each
	 * turns live.
	 */
	private static final class LivePoller {

		private final FakePostgrest store;

		private final ConcurrentLinkedQueue<Sample> pending = new ConcurrentLinkedQueue<>();

		private final Thread thread;

		private LivePoller(FakePostgrest store) {
			this.store = store;
			this.thread = new Thread(this::poll, "live-poller");
			this.thread.setDaemon(true);
		}

		static LivePoller start(FakePostgrest store) {
			LivePoller poller = new LivePoller(store);
			poller.thread.start();
			return poller;
		}

		void watch(Sample sample) {
			this.pending.add(sample);
		}

		private void poll() {
			while (!Thread.currentThread().isInterrupted()) {
				for (Sample sample : this.pending) {
					if (Boolean.TRUE.equals(this.store.row(sample.id).get("is_on_live"))) {
						sample.live = System.nanoTime();
						this.pending.remove(sample);
					}
				}
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		void awaitAll(List<Sample> samples, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (samples.stream().anyMatch(sample -> sample.live == 0)) {
				if (System.nanoTime() > deadline) {
					long missing = samples.stream().filter(sample -> sample.live == 0).count();
					throw new AssertionError(missing + " rows never turned live");
				}
				Thread.sleep(10);
			}
		}

		void stop() {
			this.thread.interrupt();
		}

	}

	/**
	 * Every 250 ms: a look-up by key, then the worker's conditional PATCH, straight from
	 * this JVM.
	 */
	private static final class ReferenceProbe {

		private final List<Double> lookups = new ArrayList<>();

		private final List<Double> lookupAndWrite = new ArrayList<>();

		private final Thread thread;

		private ReferenceProbe(HttpClient http, FakePostgrest store, List<String> keys) {
			StoreReferenceClient reference = new StoreReferenceClient(http, store);
			this.thread = new Thread(() -> {
				for (String key : keys) {
					try {
						Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
						long start = System.nanoTime();
						String id = reference.lookUp(key);
						long lookedUp = System.nanoTime();
						int written = reference.setLive(id, at);
						long done = System.nanoTime();
						assertThat(written).isEqualTo(200);
						synchronized (this) {
							this.lookups.add(ms(lookedUp - start));
							this.lookupAndWrite.add(ms(done - start));
						}
						Thread.sleep(250);
					}
					catch (InterruptedException ex) {
						return;
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}
			}, "reference-probe");
			this.thread.setDaemon(true);
		}

		static ReferenceProbe start(HttpClient http, FakePostgrest store, List<String> keys) {
			ReferenceProbe probe = new ReferenceProbe(http, store, keys);
			probe.thread.start();
			return probe;
		}

		void stop() throws InterruptedException {
			this.thread.interrupt();
			this.thread.join(5000);
		}

		synchronized int count() {
			return this.lookups.size();
		}

	}

}
