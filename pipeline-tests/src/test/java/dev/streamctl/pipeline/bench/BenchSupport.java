package dev.streamctl.pipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.postgrest.RecordedRequest;
import dev.streamctl.common.topology.EventTopology;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * What the benchmarks share: settings from system properties, percentiles and medians,
 * the machine's load, a pipelined publisher, and a result file under
 * {@code target/benchmarks/}. Nothing here is timed against a goal: the benchmarks print
 * figures and check only correctness.
 */
final class BenchSupport {

	private BenchSupport() {
	}

	static int intProperty(String name, int fallback) {
		String value = System.getProperty(name);
		return (value == null || value.isBlank()) ? fallback : Integer.parseInt(value.strip());
	}

	/** The property, or the fallback when it is not set; an empty value stays empty. */
	static String property(String name, String fallback) {
		String value = System.getProperty(name);
		return (value == null) ? fallback : value.strip();
	}

	/**
	 * The live process, started last from this JVM, that runs the module's jar (see
	 * {@link #jar(String)}).
	 */
	static ProcessHandle serviceProcess(String module) {
		String jarName = jar(module).getFileName().toString();
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.filter(process -> process.info()
				.arguments()
				.map(args -> String.join(" ", args).contains(jarName))
				.orElse(false))
			.max(java.util.Comparator
				.comparing(process -> process.info().startInstant().orElse(java.time.Instant.EPOCH)))
			.orElseThrow(() -> new IllegalStateException("no process runs " + jarName));
	}

	/** User + system CPU seconds a process used so far (Linux /proc), NaN elsewhere. */
	static double cpuSeconds(ProcessHandle process) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	private static final Map<String, Path> JARS = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * A private copy of {@code <module>/target/<module>.jar}, taken at its first use in
	 * this JVM: other people's builds may rewrite the jar while a benchmark runs, and a
	 * service started from a half-written jar fails. The copy is checked to be a whole
	 * jar; see {@link #jarDescription(String)} for what was copied.
	 */
	static Path jar(String module) {
		return JARS.computeIfAbsent(module, BenchSupport::snapshot);
	}

	/** Size, modification time and SHA-256 prefix of the copied jar. */
	static String jarDescription(String module) {
		Path copy = jar(module);
		try {
			byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(copy));
			return module + ".jar " + Files.size(copy) + " bytes, built " + Files.getLastModifiedTime(copy)
					+ ", sha256 " + java.util.HexFormat.of().formatHex(digest).substring(0, 12);
		}
		catch (IOException | java.security.NoSuchAlgorithmException ex) {
			return module + ".jar (" + ex + ")";
		}
	}

	private static Path snapshot(String module) {
		Path source = Path.of("..", module, "target", module + ".jar");
		Path copy = Path.of("target", "benchmarks", "jars", module + "-" + ProcessHandle.current().pid() + ".jar");
		for (int attempt = 1;; attempt++) {
			try {
				Files.createDirectories(copy.getParent());
				Files.copy(source, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
						java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
				try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(copy.toFile())) {
					if (zip.getEntry("META-INF/MANIFEST.MF") != null && zip.getEntry("BOOT-INF/classes/") != null
							&& zip.stream().count() > 100) {
						copy.toFile().deleteOnExit();
						return copy;
					}
				}
			}
			catch (IOException ex) {
				if (attempt >= 12) {
					throw new UncheckedIOException("cannot copy a whole " + source + " (is it being rebuilt?)", ex);
				}
			}
			if (attempt >= 12) {
				throw new IllegalStateException("cannot copy a whole " + source + " (is it being rebuilt?)");
			}
			try {
				Thread.sleep(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/**
	 * {@link TestBroker#createVhost(String)}, tried again a few times: the shared
	 * broker's management API stalls now and then.
	 */
	static String createVhost(TestBroker broker, String prefix) {
		for (int attempt = 1;; attempt++) {
			try {
				return broker.createVhost(prefix);
			}
			catch (IllegalStateException ex) {
				if (attempt >= 5) {
					throw ex;
				}
				try {
					Thread.sleep(3000);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/** A stream key no other run or benchmark uses. */
	static String key(String prefix, int i) {
		return prefix + i + "x" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	static double ms(long nanos) {
		return nanos / 1_000_000.0;
	}

	/** Nearest-rank percentile (0 < p <= 100) of the values. */
	static double percentile(List<Double> values, double p) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int rank = (int) Math.ceil(p / 100.0 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	static String fmt(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		return String.format(Locale.ROOT, (Math.abs(value) >= 10) ? "%.1f" : "%.2f", value);
	}

	static String fmt2(double value) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
	}

	/** A Prometheus counter of the service summed by the value of one tag. */
	static Map<String, Double> counterByTag(dev.streamctl.common.test.ServiceProcess service, String metric,
			String tag) {
		Map<String, Double> sums = new java.util.TreeMap<>();
		java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(tag + "=\"([^\"]*)\"");
		for (String line : service.get("/actuator/prometheus").lines().toList()) {
			if (line.startsWith(metric + "{")) {
				java.util.regex.Matcher matcher = pattern.matcher(line);
				String value = matcher.find() ? matcher.group(1) : "";
				sums.merge(value, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
			}
		}
		return sums;
	}

	/** {@code NAME=value} assignments separated by {@code ;}, as an environment map. */
	static Map<String, String> parseEnv(String assignments) {
		Map<String, String> env = new LinkedHashMap<>();
		for (String assignment : assignments.split(";")) {
			if (!assignment.isBlank()) {
				String[] parts = assignment.strip().split("=", 2);
				env.put(parts[0].strip(), parts[1].strip());
			}
		}
		return env;
	}

	/** Requests by kind: GET lookups by key, GET re-reads, GET pages, PATCH, other. */
	static Map<String, Integer> requestKinds(List<RecordedRequest> requests) {
		Map<String, Integer> kinds = new LinkedHashMap<>();
		for (String kind : List.of("GET lookup by key", "GET lookup by keys (in.)", "GET list page", "GET other",
				"PATCH", "other")) {
			kinds.put(kind, 0);
		}
		for (RecordedRequest request : requests) {
			String kind;
			if (request.method().equals("PATCH")) {
				kind = "PATCH";
			}
			else if (!request.method().equals("GET")) {
				kind = "other";
			}
			else if (request.rawQuery().contains("stream_id=eq.")) {
				kind = "GET lookup by key";
			}
			else if (request.rawQuery().contains("stream_id=in.")) {
				kind = "GET lookup by keys (in.)";
			}
			else if (request.rawQuery().contains("offset=")) {
				kind = "GET list page";
			}
			else {
				kind = "GET other";
			}
			kinds.merge(kind, 1, Integer::sum);
		}
		return kinds;
	}

	/**
	 * Busy share of the whole machine (all cores) between two {@link #cpuTicks()}
	 * samples, in percent.
	 */
	static double busyPercent(long[] before, long[] after) {
		long total = after[0] - before[0];
		long idle = after[1] - before[1];
		return (total <= 0) ? Double.NaN : 100.0 * (total - idle) / total;
	}

	/**
	 * {total, idle (idle + iowait)} jiffies of the machine from /proc/stat; zeros where
	 * there is none.
	 */
	static long[] cpuTicks() {
		try {
			String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
			String[] parts = line.trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < parts.length; i++) {
				total += Long.parseLong(parts[i]);
			}
			return new long[] { total, Long.parseLong(parts[4]) + Long.parseLong(parts[5]) };
		}
		catch (IOException | RuntimeException ex) {
			return new long[] { 0, 0 };
		}
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4)[0];
		}
		catch (IOException ex) {
			return "?";
		}
	}

	/**
	 * Waits up to {@code maxSeconds} for 3 s in which the machine is at least
	 * {@code idlePercent} idle, so a run does not start in the middle of somebody's
	 * build; answers the busy share seen last.
	 */
	static double waitQuiet(int maxSeconds, double idlePercent) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
		double busy;
		do {
			long[] before = cpuTicks();
			Thread.sleep(3000);
			busy = busyPercent(before, cpuTicks());
			if (Double.isNaN(busy) || 100 - busy >= idlePercent) {
				return busy;
			}
		}
		while (System.nanoTime() < deadline);
		return busy;
	}

	/**
	 * Publishes the events to the event exchange as the gateway does, pipelined (up to
	 * {@code window} unconfirmed), and waits for every confirm. Answers the time it took,
	 * in nanoseconds.
	 */
	static long publishPipelined(TestBroker broker, String vhost, List<? extends StreamEvent> events, int window) {
		CachingConnectionFactory factory = new CachingConnectionFactory(broker.host(), broker.port());
		factory.setUsername(broker.username());
		factory.setPassword(broker.password());
		factory.setVirtualHost(vhost);
		factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		try {
			RabbitTemplate rabbit = new RabbitTemplate(factory);
			EventCodec codec = new EventCodec();
			List<CorrelationData> outstanding = new ArrayList<>();
			long start = System.nanoTime();
			for (StreamEvent event : events) {
				CorrelationData correlation = new CorrelationData();
				rabbit.send(EventTopology.EXCHANGE, event.routingKey(),
						EventMessages.toMessage(event, codec.encode(event)), correlation);
				outstanding.add(correlation);
				if (outstanding.size() >= window) {
					awaitConfirms(outstanding);
				}
			}
			awaitConfirms(outstanding);
			return System.nanoTime() - start;
		}
		finally {
			factory.destroy();
		}
	}

	private static void awaitConfirms(List<CorrelationData> outstanding) {
		for (CorrelationData correlation : outstanding) {
			try {
				if (!correlation.getFuture().get(30, TimeUnit.SECONDS).ack()) {
					throw new AssertionError("the broker refused a benchmark event");
				}
			}
			catch (Exception ex) {
				throw new AssertionError("no confirm for a benchmark event", ex);
			}
		}
		outstanding.clear();
	}

	/**
	 * Collects the report: printed as it goes, and written to
	 * {@code target/benchmarks/<name>-<time>.txt}.
	 */
	static final class Report {

		private final Path file;

		Report(String name) {
			try {
				Path dir = Files.createDirectories(Path.of("target", "benchmarks"));
				this.file = dir.resolve(name + "-"
						+ LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		synchronized void line(String format, Object... args) {
			String text = String.format(Locale.ROOT, format, args);
			System.out.println(text);
			try {
				Files.writeString(this.file, text + System.lineSeparator(), StandardOpenOption.CREATE,
						StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		Path file() {
			return this.file;
		}

	}

	/**
	 * Values of named figures over several runs, printed as medians with every run's
	 * value.
	 */
	static final class Figures {

		private final Map<String, List<Double>> values = new LinkedHashMap<>();

		void add(String name, double value) {
			this.values.computeIfAbsent(name, ignored -> new ArrayList<>()).add(value);
		}

		double median(String name) {
			return BenchSupport.median(this.values.getOrDefault(name, List.of()));
		}

		Set<String> names() {
			return this.values.keySet();
		}

		void print(Report report, String title) {
			report.line("");
			report.line("=== %s: median of the runs [each run]", title);
			int width = this.values.keySet().stream().mapToInt(String::length).max().orElse(10);
			this.values.forEach((name, runs) -> {
				List<String> each = new ArrayList<>();
				runs.forEach(value -> each.add(fmt(value)));
				report.line("%-" + width + "s  %10s   %s", name, fmt(BenchSupport.median(runs)), each);
			});
		}

	}

}
