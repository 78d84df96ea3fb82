package dev.streamctl.pipeline.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.streamctl.common.test.ServiceProcess;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.pipeline.bench.BenchSupport.Figures;
import dev.streamctl.pipeline.bench.BenchSupport.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.streamctl.pipeline.bench.BenchSupport.fmt;
import static dev.streamctl.pipeline.bench.BenchSupport.fmt2;
import static dev.streamctl.pipeline.bench.BenchSupport.ms;
import static dev.streamctl.pipeline.bench.BenchSupport.percentile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publish authorization (issue: "on_publish answer latency p50/p99 with known-keys from a
 * warm cache and on a cold miss against a directory stub that answers in 50 ms, beside
 * open mode in the same run").
 * <p>
 * Each run: a fresh {@link FakePostgrest} with {@code bench.auth.channels} (1,000)
 * channels, every request delayed by {@code bench.auth.latency.ms} (50 ms), and two fresh
 * gateways on the same broker, each on its own vhost and spool: one
 * {@code GATEWAY_AUTH_MODE=known-keys} with {@code GATEWAY_AUTH_REFRESH_INTERVAL=1h} (its
 * start-up load warms the cache with every channel, and no later refresh warms anything),
 * one {@code open}. Once the cache is warm (its log says so and the fake's request count
 * stays put), and after an unmeasured warm-up, {@code bench.auth.rounds} (2,000) rounds
 * are run closed-loop, one request at a time, the requests of a round in random order:
 * <ul>
 * <li><b>known-keys, warm</b>: a key of the warm set;</li>
 * <li><b>open</b>: the same request to the open gateway;</li>
 * <li><b>known-keys, cold miss</b> (every 2nd round): a key whose channel was added to
 * the fake after the warm-up, each used once (a hit would be cached);</li>
 * <li><b>known-keys, unknown key</b> (every 10th round): a key of no channel, from an
 * address of its own (so the per-address limit of unknown keys does not answer instead),
 * refused with 403 after a look-up;</li>
 * <li><b>reference</b> (every 4th round): one look-up by key straight from this JVM to
 * the fake, i.e. the directory round trip a cold miss must wait for.</li>
 * </ul>
 * Then {@code 200} unknown keys from one address: past its 10th, the address is refused
 * without a look-up (rate-limited). Correctness checks: every answer as expected, and the
 * fake received exactly one look-up per cold and per unknown key and none for the warm
 * ones.
 */
class PublishAuthBenchmark {

	private static final String HOOK_SECRET = "bench-secret-" + UUID.randomUUID();

	private final TestBroker broker = TestBroker.get();

	private final int latencyMs = BenchSupport.intProperty("bench.auth.latency.ms", 50);

	private final int channels = BenchSupport.intProperty("bench.auth.channels", 1000);

	private final int rounds = BenchSupport.intProperty("bench.auth.rounds", 2000);

	private final int warmupRounds = BenchSupport.intProperty("bench.auth.warmup", 300);

	private final Path logs = Path.of("target", "benchmarks", "logs");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Random random = new Random(42);

	@TempDir
	Path work;

	private Report report;

	private int addresses;

	@Test
	void publishAuthorization() throws Exception {
		int runs = BenchSupport.intProperty("bench.runs", 3);
		Files.createDirectories(this.logs);
		this.report = new Report("publish-auth");
		this.report.line("on_publish answer latency: known-keys (warm cache, cold miss, unknown key) beside open mode; "
				+ "directory stub latency %d ms, %d channels warm, %d rounds (cold miss every 2nd, unknown every 10th), "
				+ "%d runs", this.latencyMs, this.channels, this.rounds, runs);
		this.report.line("measuring %s", BenchSupport.jarDescription("hook-gateway"));
		Figures figures = new Figures();
		for (int run = 1; run <= runs; run++) {
			double busy = BenchSupport.waitQuiet(BenchSupport.intProperty("bench.quietWait", 600), 60);
			this.report.line("");
			this.report.line("--- run %d of %d (machine %s%% busy before, load %s)", run, runs, fmt(busy),
					BenchSupport.loadAverage());
			oneRun(run, figures);
		}
		figures.print(this.report, "on_publish answer latency, " + runs + " runs, ms");
		if (!BenchSupport.property("bench.auth.refreshProbe", "true").equals("false")) {
			refreshProbe();
		}
		this.report.line("report: %s", this.report.file().toAbsolutePath());
	}

	private void oneRun(int run, Figures figures) throws Exception {
		try (FakePostgrest store = new FakePostgrest()) {
			List<String> warmKeys = new ArrayList<>();
			for (int i = 0; i < this.channels; i++) {
				String key = BenchSupport.key("auth", i);
				store.addChannel(key);
				warmKeys.add(key);
			}
			List<String> referenceKeys = new ArrayList<>();
			for (int i = 0; i < this.rounds / 4 + 1; i++) {
				String key = BenchSupport.key("ref", i);
				store.addChannel(key);
				referenceKeys.add(key);
			}
			store.setLatency(Duration.ofMillis(this.latencyMs));
			String tag = "auth-run" + run + "-" + System.currentTimeMillis();
			String knownVhost = BenchSupport.createVhost(this.broker, "bench-auth-known");
			String openVhost = BenchSupport.createVhost(this.broker, "bench-auth-open");
			List<ServiceProcess> started = new ArrayList<>();
			try {
				ServiceProcess known = start(store, knownVhost, "known-keys", run, tag, started);
				ServiceProcess open = start(store, openVhost, "open", run, tag, started);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> known.logOutput()
						.contains("Channel cache warmed with " + (this.channels + referenceKeys.size())));
				int settled = store.requestCount();
				Thread.sleep(1000);
				assertThat(store.requestCount()).as("no more directory requests once warm").isEqualTo(settled);
				this.report.line("known-keys gateway warm after %d directory requests %s", settled,
						BenchSupport.requestKinds(store.requests()));
				String knownHooks = known.baseUrl() + "/srs/hooks?secret=" + HOOK_SECRET;
				String openHooks = open.baseUrl() + "/srs/hooks?secret=" + HOOK_SECRET;

				// warm-up: every path once or more, unmeasured
				for (int i = 0; i < this.warmupRounds; i++) {
					String key = warmKeys.get(this.random.nextInt(warmKeys.size()));
					hook(knownHooks, key, "127.0.0.1", 200);
					hook(openHooks, key, "127.0.0.1", 200);
				}
				for (int i = 0; i < 30; i++) {
					String cold = BenchSupport.key("warmupcold", i);
					store.addChannel(cold);
					hook(knownHooks, cold, "127.0.0.1", 200);
					hook(knownHooks, BenchSupport.key("warmupnone", i), nextAddress(), 403);
				}

				List<String> coldKeys = new ArrayList<>();
				for (int i = 0; i < this.rounds / 2 + 1; i++) {
					String key = BenchSupport.key("cold", i);
					store.addChannel(key);
					coldKeys.add(key);
				}
				store.clearRequests();
				Map<String, List<Double>> latencies = new LinkedHashMap<>();
				for (String kind : List.of("open", "known-keys warm", "known-keys cold miss", "known-keys unknown key",
						"reference: one directory look-up")) {
					latencies.put(kind, new ArrayList<>());
				}
				long[] cpu = BenchSupport.cpuTicks();
				int cold = 0;
				int unknown = 0;
				int probes = 0;
				for (int round = 0; round < this.rounds; round++) {
					String key = warmKeys.get(this.random.nextInt(warmKeys.size()));
					List<Runnable> requests = new ArrayList<>();
					requests.add(() -> latencies.get("known-keys warm").add(hook(knownHooks, key, "127.0.0.1", 200)));
					requests.add(() -> latencies.get("open").add(hook(openHooks, key, "127.0.0.1", 200)));
					if (round % 2 == 0) {
						String coldKey = coldKeys.get(cold++);
						requests.add(() -> latencies.get("known-keys cold miss")
							.add(hook(knownHooks, coldKey, "127.0.0.1", 200)));
					}
					if (round % 10 == 0) {
						unknown++;
						String none = BenchSupport.key("none", round);
						String address = nextAddress();
						requests.add(() -> latencies.get("known-keys unknown key")
							.add(hook(knownHooks, none, address, 403)));
					}
					if (round % 4 == 0) {
						String probeKey = referenceKeys.get(probes++);
						requests
							.add(() -> latencies.get("reference: one directory look-up").add(lookup(store, probeKey)));
					}
					Collections.shuffle(requests, this.random);
					requests.forEach(Runnable::run);
				}
				double busy = BenchSupport.busyPercent(cpu, BenchSupport.cpuTicks());
				Map<String, Integer> kinds = BenchSupport.requestKinds(store.requests());
				assertThat(kinds.get("GET lookup by key"))
					.as("one directory look-up per cold key, unknown key and probe")
					.isEqualTo(cold + unknown + probes);
				assertThat(store.requestCount()).as("no other directory request").isEqualTo(cold + unknown + probes);

				// an address past its limit of unknown keys is refused without a look-up
				store.clearRequests();
				String address = nextAddress();
				List<Double> limited = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					double took = hook(knownHooks, BenchSupport.key("limited", i), address, 403);
					if (i >= 10) {
						limited.add(took);
					}
				}
				assertThat(store.requestCount()).as("look-ups before the address hit its limit").isEqualTo(10);
				latencies.put("known-keys unknown key, address over its limit (no look-up)", limited);

				Map<String, Double> decisions = BenchSupport.counterByTag(known, "gateway_auth_decisions_total",
						"decision");
				record(latencies, busy, decisions, figures);
				for (ServiceProcess service : started) {
					List<String> problems = service.logOutput()
						.lines()
						.filter(line -> line.contains(" ERROR ")
								|| (line.contains(" WARN ") && !line.contains("Publish of ")
										&& !line.contains("Rejected on_publish hook with 403")))
						.toList();
					if (!problems.isEmpty()) {
						this.report.line("  %s log: %d unexpected WARN/ERROR lines, e.g. %s",
								service == known ? "known-keys" : "open", problems.size(), problems.get(0));
					}
				}
			}
			finally {
				for (ServiceProcess process : started) {
					process.kill();
				}
				this.broker.deleteVhost(knownVhost);
				this.broker.deleteVhost(openVhost);
			}
		}
	}

	private ServiceProcess start(FakePostgrest store, String vhost, String mode, int run, String tag,
			List<ServiceProcess> started) {
		return start(store, vhost, mode, run, tag, started, Map.of("GATEWAY_AUTH_REFRESH_INTERVAL", "1h"));
	}

	private ServiceProcess start(FakePostgrest store, String vhost, String mode, int run, String tag,
			List<ServiceProcess> started, Map<String, String> extra) {
		Map<String, String> env = new HashMap<>(extra);
		env.put("SUPABASE_URL", store.url());
		env.put("SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
		env.put("HOOK_SECRET", HOOK_SECRET);
		env.put("GATEWAY_AUTH_MODE", mode);
		env.put("GATEWAY_DELIVERY_SPOOL_DIRECTORY", this.work.resolve("spool-" + mode + "-" + run).toString());
		ServiceProcess gateway = ServiceProcess.start(BenchSupport.jar("hook-gateway"), this.broker, vhost, env,
				this.logs.resolve(tag + "-" + mode + ".log"));
		started.add(gateway);
		return gateway;
	}

	/**
	 * Does the periodic refresh keep the warm cache warm? A known-keys gateway with a
	 * short cache time ({@code SUPABASE_CACHE_TTL=6s}) refreshed more often than that
	 * ({@code GATEWAY_AUTH_REFRESH_INTERVAL=4s}) is asked about warm keys for 30 s: if
	 * every refresh renewed the entries, no publish would need a look-up. Counts the
	 * look-ups by key the fake receives and the publishes slower than a directory round
	 * trip.
	 */
	private void refreshProbe() throws Exception {
		try (FakePostgrest store = new FakePostgrest()) {
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				String key = BenchSupport.key("probe", i);
				store.addChannel(key);
				keys.add(key);
			}
			store.setLatency(Duration.ofMillis(this.latencyMs));
			String vhost = BenchSupport.createVhost(this.broker, "bench-auth-refresh");
			List<ServiceProcess> started = new ArrayList<>();
			try {
				ServiceProcess gateway = start(store, vhost, "known-keys", 0,
						"auth-refresh-probe-" + System.currentTimeMillis(), started,
						Map.of("SUPABASE_CACHE_TTL", "6s", "GATEWAY_AUTH_REFRESH_INTERVAL", "4s"));
				await().atMost(Duration.ofSeconds(60))
					.until(() -> gateway.logOutput().contains("Channel cache warmed with 50"));
				String hooks = gateway.baseUrl() + "/srs/hooks?secret=" + HOOK_SECRET;
				for (int i = 0; i < 100; i++) {
					hook(hooks, keys.get(i % keys.size()), "127.0.0.1", 200);
				}
				store.clearRequests();
				long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				int publishes = 0;
				int slow = 0;
				while (System.nanoTime() < end) {
					if (hook(hooks, keys.get(this.random.nextInt(keys.size())), "127.0.0.1", 200) >= this.latencyMs) {
						slow++;
					}
					publishes++;
					Thread.sleep(20);
				}
				Map<String, Integer> kinds = BenchSupport.requestKinds(store.requests());
				long warms = gateway.logOutput().lines().filter(line -> line.contains("Channel cache warmed")).count();
				this.report.line("");
				this.report.line(
						"=== refresh probe: SUPABASE_CACHE_TTL=6s, GATEWAY_AUTH_REFRESH_INTERVAL=4s, warm keys only, 30 s");
				this.report.line(
						"publishes %d, of which slower than one directory round trip (%d ms): %d; directory "
								+ "requests meanwhile %s; cache loads logged since start %d",
						publishes, this.latencyMs, slow, kinds, warms);
				this.report.line("(a refresh that renewed the cached entries would leave 0 look-ups by key)");
			}
			finally {
				for (ServiceProcess process : started) {
					process.kill();
				}
				this.broker.deleteVhost(vhost);
			}
		}
	}

	private String nextAddress() {
		int n = ++this.addresses;
		return "10." + (n / 65536 % 256) + "." + (n / 256 % 256) + "." + (n % 256);
	}

	/**
	 * Posts an on_publish for the key from the address; checks the answer; answers the
	 * time it took in ms.
	 */
	private double hook(String url, String key, String address, int expectedStatus) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString(SrsFixtures.with("on_publish.json",
					Map.of("stream", key, "client_id", "c" + key.hashCode(), "ip", address))))
			.build();
		try {
			long start = System.nanoTime();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			long took = System.nanoTime() - start;
			assertThat(response.statusCode()).as("answer to on_publish: " + response.body()).isEqualTo(expectedStatus);
			if (expectedStatus == 200) {
				assertThat(response.body()).contains("\"code\":0");
			}
			return ms(took);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The gateway's look-up by key, straight from this JVM. */
	private double lookup(FakePostgrest store, String key) {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(store.url() + "/rest/v1/channels_channel?select=id,stream_id,is_on_live,modified"
					+ "&stream_id=eq." + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&limit=2"))
			.header("apikey", FakePostgrest.SERVICE_KEY)
			.header("Authorization", "Bearer " + FakePostgrest.SERVICE_KEY)
			.header("Accept", "application/json")
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build();
		try {
			long start = System.nanoTime();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			long took = System.nanoTime() - start;
			assertThat(response.body()).contains(key);
			return ms(took);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void record(Map<String, List<Double>> latencies, double busy, Map<String, Double> decisions,
			Figures figures) {
		double open50 = percentile(latencies.get("open"), 50);
		double open99 = percentile(latencies.get("open"), 99);
		this.report.line("%-62s %6s %8s %8s %8s %8s %11s", "", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "p50/open");
		latencies.forEach((kind, values) -> {
			double p50 = percentile(values, 50);
			this.report.line("%-62s %6d %8s %8s %8s %8s %11s", kind, values.size(), fmt(p50),
					fmt(percentile(values, 90)), fmt(percentile(values, 99)), fmt(percentile(values, 100)),
					fmt2(p50 / open50));
			figures.add(kind + ": p50", p50);
			figures.add(kind + ": p99", percentile(values, 99));
		});
		double warm50 = percentile(latencies.get("known-keys warm"), 50);
		double warm99 = percentile(latencies.get("known-keys warm"), 99);
		double cold50 = percentile(latencies.get("known-keys cold miss"), 50);
		double cold99 = percentile(latencies.get("known-keys cold miss"), 99);
		double lookup50 = percentile(latencies.get("reference: one directory look-up"), 50);
		this.report.line(
				"ratios: warm/open p50 %s p99 %s; cold/open p50 %s p99 %s; cold miss - open - look-up "
						+ "(p50s) %s ms; machine %s%% busy; known-keys decisions %s",
				fmt2(warm50 / open50), fmt2(warm99 / open99), fmt2(cold50 / open50), fmt2(cold99 / open99),
				fmt(cold50 - open50 - lookup50), fmt(busy), decisions);
		figures.add("ratio warm / open, p50", warm50 / open50);
		figures.add("ratio warm / open, p99", warm99 / open99);
		figures.add("ratio cold miss / open, p50", cold50 / open50);
		figures.add("ratio cold miss / open, p99", cold99 / open99);
		figures.add("cold miss p50 - open p50 - look-up p50 (ms)", cold50 - open50 - lookup50);
		figures.add("machine busy %", busy);
	}

}
