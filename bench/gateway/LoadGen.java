import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.sun.net.httpserver.HttpServer;

/**
 * Load generator and helpers for the hook gateway benchmark (see bench/gateway/run.sh and docs/benchmarks.md).
 * Needs only the JDK and, for the broker modes, amqp-client + slf4j-api on the class path.
 *
 * <pre>
 * reference PORT [THREADS]                         HTTP server answering {"code":0} to every request, doing nothing else
 * fixed-rate URL RATE SECONDS [options]            open-loop load: hook i is due at start + i/RATE; its latency is
 *                                                  measured from that due time (no coordinated omission)
 *     --connections N   keep-alive connections (one sender thread each), default 64
 *     --tag C           first character of every client_id (tells runs apart in the event log), default f
 *     --answered FILE   write "routingKey clientId" of every hook answered 200 {"code":0}
 *     --label TEXT      prefix of the result lines
 *     --warmup SECONDS  first post at the same rate for that long, unreported (client_id tag: TAG in upper case)
 *     --metrics URL --metrics-out PREFIX   save that scrape to PREFIX-before.txt / PREFIX-after.txt right
 *                       before and after the measured part (after the warm-up)
 * broker-confirms AMQP_URI SECONDS pipelined WINDOW  one channel, async confirms, at most WINDOW unconfirmed
 * broker-confirms AMQP_URI SECONDS sync THREADS      THREADS channels, each waits for every confirm
 * broker-confirms AMQP_URI SECONDS rate RATE         the gateway's pattern without the gateway: publish + wait for
 *                                                  the confirm on 64 channels, open loop at RATE/s; confirm latency
 * verify AMQP_URI QUEUE EXPECTED [ANSWERED_FILE...]  reads the stream queue from its first offset and checks that
 *                                                  every answered hook has its event there
 * metrics-delta BEFORE AFTER                       gateway figures between two /actuator/prometheus scrapes
 * median FILE...                                   median of every key=value over several runs' result files
 * </pre>
 *
 * Hook bodies are the captured SRS fixtures on_publish.json / on_unpublish.json (directory from the system property
 * fixtures, default test-fixtures/srs of the working directory), byte for byte except that the values of "stream" and "client_id"
 * are replaced (everywhere they occur, so stream_url follows) to make each hook a distinct event: hook 2k is the
 * on_publish and hook 2k+1 the on_unpublish of session k.
 */
public class LoadGen {

	static final String EXCHANGE = "srs.events";

	static final String LOG_QUEUE = "srs.events.log";

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			usage();
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "reference" -> reference(rest);
			case "fixed-rate" -> fixedRate(rest);
			case "broker-confirms" -> brokerConfirms(rest);
			case "verify" -> verify(rest);
			case "metrics-delta" -> metricsDelta(rest);
			case "median" -> median(rest);
			default -> usage();
		}
	}

	static void usage() {
		System.err.println("usage: LoadGen reference|fixed-rate|broker-confirms|verify|metrics-delta|median ... "
				+ "(see the class comment)");
		System.exit(2);
	}

	// ---------------------------------------------------------------- hook bodies

	static final class Hooks {

		private final String publish;

		private final String unpublish;

		private final String publishStream;

		private final String publishClient;

		private final String unpublishStream;

		private final String unpublishClient;

		Hooks(Path dir) throws IOException {
			this.publish = Files.readString(dir.resolve("on_publish.json")).strip();
			this.unpublish = Files.readString(dir.resolve("on_unpublish.json")).strip();
			this.publishStream = field(this.publish, "stream");
			this.publishClient = field(this.publish, "client_id");
			this.unpublishStream = field(this.unpublish, "stream");
			this.unpublishClient = field(this.unpublish, "client_id");
		}

		static Hooks load() throws IOException {
			return new Hooks(Path.of(System.getProperty("fixtures", "test-fixtures/srs")));
		}

		private static String field(String json, String name) {
			Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
			if (!m.find()) {
				throw new IllegalStateException("fixture has no string field " + name + ": " + json);
			}
			return m.group(1);
		}

		/** The client_id of session k: the tag, then k in base 36 (8 characters like SRS's while k < 36^7). */
		static String clientId(char tag, long session) {
			String n = Long.toString(session, 36);
			return tag + "0000000".substring(Math.min(7, n.length())) + n;
		}

		static boolean isPublish(long hook) {
			return (hook & 1) == 0;
		}

		static String routingKey(long hook) {
			return isPublish(hook) ? "stream.published" : "stream.unpublished";
		}

		String body(char tag, long hook) {
			String client = clientId(tag, hook >> 1);
			String stream = "bench-" + client;
			if (isPublish(hook)) {
				return this.publish.replace(this.publishStream, stream).replace(this.publishClient, client);
			}
			return this.unpublish.replace(this.unpublishStream, stream).replace(this.unpublishClient, client);
		}

	}

	// ---------------------------------------------------------------- reference server

	static void reference(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
		// without it the JDK server writes headers and body as two segments and Nagle + delayed ACK add ~40 ms
		System.setProperty("sun.net.httpserver.nodelay", "true");
		byte[] answer = "{\"code\":0}".getBytes(StandardCharsets.UTF_8);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
		server.createContext("/", exchange -> {
			try (exchange) {
				exchange.getRequestBody().readAllBytes();
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, answer.length);
				exchange.getResponseBody().write(answer);
			}
		});
		server.setExecutor(Executors.newFixedThreadPool(threads));
		server.start();
		System.out.println("reference server answering {\"code\":0} on 127.0.0.1:" + port + " with " + threads
				+ " threads");
	}

	// ---------------------------------------------------------------- HTTP/1.1 keep-alive client

	static final class HttpConnection implements AutoCloseable {

		private final String host;

		private final int port;

		private Socket socket;

		private InputStream in;

		private OutputStream out;

		HttpConnection(String host, int port) {
			this.host = host;
			this.port = port;
		}

		/** Posts one request (already formatted) and answers status and body; reconnects as needed. */
		Response post(byte[] request) throws IOException {
			if (this.socket == null) {
				this.socket = new Socket();
				this.socket.setTcpNoDelay(true);
				this.socket.setSoTimeout(30_000);
				this.socket.connect(new InetSocketAddress(this.host, this.port), 5_000);
				this.in = new BufferedInputStream(this.socket.getInputStream(), 8192);
				this.out = this.socket.getOutputStream();
			}
			try {
				this.out.write(request);
				this.out.flush();
				Response response = read();
				if (response.close) {
					close();
				}
				return response;
			}
			catch (IOException ex) {
				close();
				throw ex;
			}
		}

		private Response read() throws IOException {
			String status = line();
			if (status == null || !status.startsWith("HTTP/1.")) {
				throw new IOException("bad status line: " + status);
			}
			int code = Integer.parseInt(status.substring(9, 12));
			long length = -1;
			boolean chunked = false;
			boolean close = status.startsWith("HTTP/1.0");
			for (String h = line(); h != null && !h.isEmpty(); h = line()) {
				int colon = h.indexOf(':');
				String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
				switch (name) {
					case "content-length" -> length = Long.parseLong(value);
					case "transfer-encoding" -> chunked = value.contains("chunked");
					case "connection" -> close = value.contains("close");
					default -> {
					}
				}
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream(64);
			if (chunked) {
				for (;;) {
					String size = line();
					int n = Integer.parseInt(size.split(";")[0].trim(), 16);
					if (n == 0) {
						for (String t = line(); t != null && !t.isEmpty(); t = line()) {
						}
						break;
					}
					body.write(this.in.readNBytes(n));
					line();
				}
			}
			else if (length >= 0) {
				body.write(this.in.readNBytes((int) length));
			}
			else {
				body.write(this.in.readAllBytes());
				close = true;
			}
			return new Response(code, body.toString(StandardCharsets.UTF_8), close);
		}

		private String line() throws IOException {
			StringBuilder sb = new StringBuilder(64);
			for (;;) {
				int c = this.in.read();
				if (c < 0) {
					if (sb.length() == 0) {
						throw new IOException("connection closed by the server");
					}
					return sb.toString();
				}
				if (c == '\n') {
					int n = sb.length();
					if (n > 0 && sb.charAt(n - 1) == '\r') {
						sb.setLength(n - 1);
					}
					return sb.toString();
				}
				sb.append((char) c);
			}
		}

		@Override
		public void close() {
			if (this.socket != null) {
				try {
					this.socket.close();
				}
				catch (IOException ex) {
					// nothing to do
				}
			}
			this.socket = null;
		}

	}

	record Response(int status, String body, boolean close) {
	}

	static byte[] request(URI uri, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		String head = "POST " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
				+ " HTTP/1.1\r\n" + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
				+ "Connection: Keep-Alive\r\n" + "Content-Length: " + bytes.length + "\r\n"
				+ "Content-Type: application/json\r\n" + "User-Agent: SRS/6.0.157(Hang)\r\n\r\n";
		byte[] h = head.getBytes(StandardCharsets.US_ASCII);
		byte[] all = Arrays.copyOf(h, h.length + bytes.length);
		System.arraycopy(bytes, 0, all, h.length, bytes.length);
		return all;
	}

	// ---------------------------------------------------------------- open-loop fixed rate

	static void fixedRate(String[] args) throws Exception {
		URI uri = URI.create(args[0]);
		double rate = Double.parseDouble(args[1]);
		double seconds = Double.parseDouble(args[2]);
		int connections = 64;
		char tag = 'f';
		Path answeredFile = null;
		String label = "fixed-rate";
		double warmup = 0;
		String metrics = null;
		String metricsOut = null;
		for (int i = 3; i < args.length; i += 2) {
			switch (args[i]) {
				case "--connections" -> connections = Integer.parseInt(args[i + 1]);
				case "--tag" -> tag = args[i + 1].charAt(0);
				case "--answered" -> answeredFile = Path.of(args[i + 1]);
				case "--label" -> label = args[i + 1];
				case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
				case "--metrics" -> metrics = args[i + 1];
				case "--metrics-out" -> metricsOut = args[i + 1];
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		Hooks hooks = Hooks.load();
		List<String> answered = new ArrayList<>();
		if (warmup > 0) {
			// same rate, same JVM, not reported: warms the JIT of this generator and of the server
			run(uri, rate, warmup, connections, Character.toUpperCase(tag), hooks, "warmup", answered, false);
		}
		if (metrics != null) {
			Files.writeString(Path.of(metricsOut + "-before.txt"), get(metrics));
		}
		run(uri, rate, seconds, connections, tag, hooks, label, answered, true);
		if (metrics != null) {
			Files.writeString(Path.of(metricsOut + "-after.txt"), get(metrics));
		}
		if (answeredFile != null) {
			Files.write(answeredFile, answered);
		}
	}

	static void run(URI uri, double rate, double seconds, int connections, char tag, Hooks hooks, String label,
			List<String> answeredOut, boolean report) throws InterruptedException {
		int total = (int) Math.round(rate * seconds);
		double periodNanos = 1e9 / rate;
		long[] latency = new long[total];
		boolean[] ok = new boolean[total];
		AtomicLong next = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		AtomicLong badAnswers = new AtomicLong();
		AtomicLong lastDone = new AtomicLong();
		Map<String, AtomicLong> errorKinds = new java.util.concurrent.ConcurrentHashMap<>();
		long start = System.nanoTime() + 200_000_000L;
		Thread[] workers = new Thread[connections];
		for (int w = 0; w < connections; w++) {
			workers[w] = new Thread(() -> {
				try (HttpConnection conn = new HttpConnection(uri.getHost(), uri.getPort())) {
					for (;;) {
						long i = next.getAndIncrement();
						if (i >= total) {
							return;
						}
						byte[] request = request(uri, hooks.body(tag, i));
						long due = start + (long) (i * periodNanos);
						for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
							LockSupport.parkNanos(wait);
						}
						int idx = (int) i;
						try {
							Response r = conn.post(request);
							if (r.status() == 200 && r.body().strip().equals("{\"code\":0}")) {
								ok[idx] = true;
							}
							else {
								badAnswers.incrementAndGet();
								errorKinds.computeIfAbsent(r.status() + " " + r.body().strip(), k -> new AtomicLong())
									.incrementAndGet();
							}
						}
						catch (IOException ex) {
							errors.incrementAndGet();
							errorKinds.computeIfAbsent(ex.toString(), k -> new AtomicLong()).incrementAndGet();
						}
						long now = System.nanoTime();
						latency[idx] = now - due;
						lastDone.accumulateAndGet(now, Math::max);
					}
				}
			}, "sender-" + w);
			workers[w].start();
		}
		for (Thread w : workers) {
			w.join();
		}
		long answered = 0;
		for (int i = 0; i < total; i++) {
			if (ok[i]) {
				answered++;
				answeredOut.add(Hooks.routingKey(i) + " " + Hooks.clientId(tag, i >> 1));
			}
		}
		for (Map.Entry<String, AtomicLong> e : errorKinds.entrySet()) {
			System.err.println(label + " error x" + e.getValue() + ": " + e.getKey());
		}
		if (!report) {
			return;
		}
		double elapsed = (lastDone.get() - start) / 1e9;
		long[] sorted = latency.clone();
		Arrays.sort(sorted);
		Map<String, String> out = new LinkedHashMap<>();
		out.put("sent", Long.toString(total));
		out.put("answered_ok", Long.toString(answered));
		out.put("errors", Long.toString(errors.get()));
		out.put("bad_answers", Long.toString(badAnswers.get()));
		out.put("throughput_per_s", String.format(Locale.ROOT, "%.0f", total / elapsed));
		out.put("p50_ms", ms(percentile(sorted, 0.50)));
		out.put("p90_ms", ms(percentile(sorted, 0.90)));
		out.put("p99_ms", ms(percentile(sorted, 0.99)));
		out.put("p999_ms", ms(percentile(sorted, 0.999)));
		out.put("max_ms", ms(sorted[sorted.length - 1]));
		for (Map.Entry<String, String> e : out.entrySet()) {
			System.out.println(label + "." + e.getKey() + "=" + e.getValue());
		}
	}

	static String get(String url) throws IOException {
		java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
		try (InputStream in = c.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		finally {
			c.disconnect();
		}
	}

	static long percentile(long[] sorted, double q) {
		int idx = (int) Math.ceil(q * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
	}

	static String ms(long nanos) {
		return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
	}

	// ---------------------------------------------------------------- bare AMQP publisher

	static Connection connect(String uri) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setUri(uri);
		factory.setAutomaticRecoveryEnabled(false);
		return factory.newConnection("gateway-bench");
	}

	/** Declares what the gateway declares: the topic exchange and the log stream bound with #. */
	static void declareTopology(Channel channel) throws IOException {
		channel.exchangeDeclare(EXCHANGE, "topic", true, false, null);
		channel.queueDeclare(LOG_QUEUE, true, false, false, Map.of("x-queue-type", "stream", "x-max-age", "7D"));
		channel.queueBind(LOG_QUEUE, EXCHANGE, "#");
	}

	/** An event as the gateway encodes it (docs/events.md), with its AMQP properties. */
	static final class EventMessage {

		final String routingKey;

		final AMQP.BasicProperties props;

		final byte[] body;

		EventMessage(long n) {
			boolean publish = (n & 1) == 0;
			this.routingKey = publish ? "stream.published" : "stream.unpublished";
			String id = UUID.randomUUID().toString();
			Instant now = Instant.now();
			String client = Hooks.clientId('b', n >> 1);
			String json = "{\"type\":\"" + this.routingKey + "\",\"schemaVersion\":1,\"eventId\":\"" + id
					+ "\",\"occurredAt\":\"" + now + "\",\"source\":\"srs-hook\",\"session\":{"
					+ "\"serverId\":\"vid-2703w37\",\"serviceId\":\"5kr2b29q\",\"clientId\":\"" + client
					+ "\",\"streamId\":\"vid-3204e79\",\"vhost\":\"__defaultVhost__\",\"app\":\"live\",\"stream\":\"bench-"
					+ client + "\",\"param\":\"?token=abc\",\"ip\":\"127.0.0.1\"}"
					+ (publish ? "" : ",\"reason\":\"unpublished\"") + "}";
			this.body = json.getBytes(StandardCharsets.UTF_8);
			this.props = new AMQP.BasicProperties.Builder().deliveryMode(2)
				.messageId(id)
				.contentType("application/json")
				.type(this.routingKey)
				.timestamp(java.util.Date.from(now))
				.build();
		}

	}

	static void brokerConfirms(String[] args) throws Exception {
		String uri = args[0];
		double seconds = Double.parseDouble(args[1]);
		String mode = args[2];
		int n = Integer.parseInt(args[3]);
		double warmup = 3;
		try (Connection connection = connect(uri)) {
			try (Channel ch = connection.createChannel()) {
				declareTopology(ch);
			}
			AtomicLong confirmed = new AtomicLong();
			AtomicLong nacked = new AtomicLong();
			AtomicLong returned = new AtomicLong();
			AtomicBoolean stop = new AtomicBoolean();
			List<Thread> threads = new ArrayList<>();
			if (mode.equals("pipelined")) {
				Channel ch = connection.createChannel();
				ch.confirmSelect();
				Semaphore window = new Semaphore(n);
				ConcurrentNavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
				ch.addReturnListener(r -> returned.incrementAndGet());
				ch.addConfirmListener(new ConfirmListener() {
					@Override
					public void handleAck(long tag, boolean multiple) {
						window.release(settle(tag, multiple, confirmed));
					}

					@Override
					public void handleNack(long tag, boolean multiple) {
						window.release(settle(tag, multiple, nacked));
					}

					private int settle(long tag, boolean multiple, AtomicLong counter) {
						int count;
						if (multiple) {
							ConcurrentNavigableMap<Long, Boolean> head = outstanding.headMap(tag, true);
							count = head.size();
							head.clear();
						}
						else {
							count = outstanding.remove(tag) != null ? 1 : 0;
						}
						counter.addAndGet(count);
						return count;
					}
				});
				threads.add(new Thread(() -> {
					try {
						for (long i = 0; !stop.get(); i++) {
							EventMessage m = new EventMessage(i);
							window.acquire();
							outstanding.put(ch.getNextPublishSeqNo(), Boolean.TRUE);
							ch.basicPublish(EXCHANGE, m.routingKey, true, m.props, m.body);
						}
					}
					catch (Exception ex) {
						if (!stop.get()) {
							ex.printStackTrace();
						}
					}
				}));
			}
			else if (mode.equals("sync")) {
				for (int t = 0; t < n; t++) {
					Channel ch = connection.createChannel();
					ch.confirmSelect();
					ch.addReturnListener(r -> returned.incrementAndGet());
					threads.add(new Thread(() -> {
						try {
							for (long i = 0; !stop.get(); i++) {
								EventMessage m = new EventMessage(i);
								ch.basicPublish(EXCHANGE, m.routingKey, true, m.props, m.body);
								ch.waitForConfirmsOrDie(10_000);
								confirmed.incrementAndGet();
							}
						}
						catch (Exception ex) {
							if (!stop.get()) {
								ex.printStackTrace();
							}
						}
					}));
				}
			}
			else if (mode.equals("rate")) {
				brokerAtRate(connection, n, seconds, warmup);
				return;
			}
			else {
				throw new IllegalArgumentException("mode must be pipelined, sync or rate");
			}
			threads.forEach(Thread::start);
			Thread.sleep((long) (warmup * 1000));
			long c0 = confirmed.get();
			long t0 = System.nanoTime();
			Thread.sleep((long) (seconds * 1000));
			long c1 = confirmed.get();
			long t1 = System.nanoTime();
			stop.set(true);
			for (Thread t : threads) {
				t.join(15_000);
			}
			String label = "broker_" + mode + "_" + n;
			System.out.println(label + ".confirms_per_s="
					+ String.format(Locale.ROOT, "%.0f", (c1 - c0) / ((t1 - t0) / 1e9)));
			System.out.println(label + ".nacked=" + nacked.get());
			System.out.println(label + ".returned=" + returned.get());
			System.out.println(label + ".body_bytes=" + new EventMessage(1).body.length);
		}
	}

	/**
	 * The gateway's publish pattern without the gateway: 64 channels, each publishes one message and waits for
	 * its confirm, messages due at a fixed rate; latency from the due time to the confirm.
	 */
	static void brokerAtRate(Connection connection, double rate, double seconds, double warmup) throws Exception {
		for (int phase = 0; phase < 2; phase++) {
			boolean measured = phase == 1;
			int total = (int) Math.round(rate * (measured ? seconds : warmup));
			double period = 1e9 / rate;
			long[] latency = new long[total];
			AtomicLong next = new AtomicLong();
			AtomicLong failed = new AtomicLong();
			long start = System.nanoTime() + 100_000_000L;
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < 64; t++) {
				Channel ch = connection.createChannel();
				ch.confirmSelect();
				threads.add(new Thread(() -> {
					try (ch) {
						for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
							EventMessage m = new EventMessage(i);
							long due = start + (long) (i * period);
							for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
								LockSupport.parkNanos(wait);
							}
							try {
								ch.basicPublish(EXCHANGE, m.routingKey, true, m.props, m.body);
								ch.waitForConfirmsOrDie(10_000);
							}
							catch (Exception ex) {
								failed.incrementAndGet();
							}
							latency[(int) i] = System.nanoTime() - due;
						}
					}
					catch (Exception ex) {
						ex.printStackTrace();
					}
				}));
			}
			threads.forEach(Thread::start);
			for (Thread t : threads) {
				t.join();
			}
			if (measured) {
				Arrays.sort(latency);
				String label = "broker_rate_" + Math.round(rate);
				System.out.println(label + ".failed=" + failed.get());
				System.out.println(label + ".p50_ms=" + ms(percentile(latency, 0.50)));
				System.out.println(label + ".p99_ms=" + ms(percentile(latency, 0.99)));
				System.out.println(label + ".p999_ms=" + ms(percentile(latency, 0.999)));
				System.out.println(label + ".max_ms=" + ms(latency[latency.length - 1]));
			}
		}
	}

	// ---------------------------------------------------------------- event log check

	static void verify(String[] args) throws Exception {
		String uri = args[0];
		String queue = args[1];
		long expected = Long.parseLong(args[2]);
		Pattern typeP = Pattern.compile("\"type\":\"([^\"]+)\"");
		Pattern idP = Pattern.compile("\"eventId\":\"([^\"]+)\"");
		Pattern clientP = Pattern.compile("\"clientId\":\"([^\"]+)\"");
		Set<String> eventIds = new HashSet<>();
		Map<String, Integer> hooks = new HashMap<>();
		Map<Character, Long> byTag = new TreeMap<>();
		AtomicLong received = new AtomicLong();
		AtomicLong bodyBytes = new AtomicLong();
		AtomicLong lastAt = new AtomicLong(System.nanoTime());
		try (Connection connection = connect(uri); Channel ch = connection.createChannel()) {
			ch.basicQos(2000);
			ch.basicConsume(queue, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(ch) {
				@Override
				public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
						byte[] body) throws IOException {
					String json = new String(body, StandardCharsets.UTF_8);
					synchronized (eventIds) {
						eventIds.add(find(idP, json));
						String client = find(clientP, json);
						hooks.merge(find(typeP, json) + " " + client, 1, Integer::sum);
						byTag.merge(client.isEmpty() ? '?' : client.charAt(0), 1L, Long::sum);
					}
					received.incrementAndGet();
					bodyBytes.addAndGet(body.length);
					lastAt.set(System.nanoTime());
					if (envelope.getDeliveryTag() % 500 == 0) {
						ch.basicAck(envelope.getDeliveryTag(), true);
					}
				}
			});
			// a stream consumer never ends by itself: stop once the expected count is in and nothing came for 2 s,
			// or after 20 s without anything
			for (;;) {
				Thread.sleep(200);
				long idle = (System.nanoTime() - lastAt.get()) / 1_000_000;
				if ((received.get() >= expected && idle > 2_000) || idle > 20_000) {
					break;
				}
			}
		}
		long duplicateHooks;
		synchronized (eventIds) {
			duplicateHooks = hooks.values().stream().filter(v -> v > 1).count();
		}
		System.out.println("log.messages=" + received.get());
		System.out.println("log.mean_body_bytes=" + (received.get() == 0 ? 0 : bodyBytes.get() / received.get()));
		System.out.println("log.distinct_event_ids=" + eventIds.size());
		System.out.println("log.distinct_hooks=" + hooks.size());
		System.out.println("log.hooks_logged_twice=" + duplicateHooks);
		System.out.println("log.expected=" + expected);
		for (Map.Entry<Character, Long> e : byTag.entrySet()) {
			System.out.println("log.tag_" + e.getKey() + "=" + e.getValue());
		}
		long missing = 0;
		long answered = 0;
		for (int i = 3; i < args.length; i++) {
			for (String line : Files.readAllLines(Path.of(args[i]))) {
				if (line.isBlank()) {
					continue;
				}
				answered++;
				if (!hooks.containsKey(line.strip())) {
					missing++;
					if (missing <= 5) {
						System.err.println("answered but not in the log: " + line);
					}
				}
			}
		}
		System.out.println("log.answered_checked=" + answered);
		System.out.println("log.answered_missing=" + missing);
	}

	static String find(Pattern p, String s) {
		Matcher m = p.matcher(s);
		return m.find() ? m.group(1) : "";
	}

	// ---------------------------------------------------------------- gateway metrics

	/** name{labels} -> value of a Prometheus text scrape. */
	static Map<String, Double> scrape(Path file) throws IOException {
		Map<String, Double> values = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			int space = line.lastIndexOf(' ');
			try {
				values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
			}
			catch (NumberFormatException ex) {
				// skip
			}
		}
		return values;
	}

	static String label(String key, String name) {
		Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(key);
		return m.find() ? m.group(1) : null;
	}

	/** Sums, per value of {@code by} (or per le), the deltas of a metric's samples, filtered by outcome if asked. */
	static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after, String metric, String by,
			Set<String> outcomes) {
		Map<String, Double> sums = new TreeMap<>();
		for (Map.Entry<String, Double> e : after.entrySet()) {
			String key = e.getKey();
			if (!(key.equals(metric) || key.startsWith(metric + "{"))) {
				continue;
			}
			if (outcomes != null && !outcomes.contains(label(key, "outcome"))) {
				continue;
			}
			String group = by == null ? "" : label(key, by);
			if (group == null) {
				continue;
			}
			double d = e.getValue() - before.getOrDefault(key, 0.0);
			sums.merge(group, d, Double::sum);
		}
		return sums;
	}

	/** Upper bound of the histogram bucket holding quantile q, from cumulative le buckets. */
	static String bucketQuantile(Map<String, Double> buckets, double q) {
		TreeMap<Double, Double> cumulative = new TreeMap<>();
		buckets.forEach((le, count) -> cumulative.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY
				: Double.parseDouble(le), count));
		double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
		if (total <= 0) {
			return "n/a";
		}
		for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
			if (e.getValue() >= q * total) {
				return e.getKey().isInfinite() ? "inf" : String.format(Locale.ROOT, "%.3f", e.getKey() * 1000);
			}
		}
		return "inf";
	}

	static void metricsDelta(String[] args) throws IOException {
		Map<String, Double> before = scrape(Path.of(args[0]));
		Map<String, Double> after = scrape(Path.of(args[1]));
		String prefix = args.length > 2 ? args[2] : "gateway";
		Map<String, Double> byOutcome = delta(before, after, "gateway_hooks_seconds_count", "outcome", null);
		byOutcome.forEach((k, v) -> System.out.println(prefix + ".hooks_" + k + "=" + Math.round(v)));
		Map<String, Double> hookBuckets = delta(before, after, "gateway_hooks_seconds_bucket", "le",
				Set.of("confirmed", "spooled"));
		System.out.println(prefix + ".server_p50_ms_le=" + bucketQuantile(hookBuckets, 0.50));
		System.out.println(prefix + ".server_p99_ms_le=" + bucketQuantile(hookBuckets, 0.99));
		System.out.println(prefix + ".server_p999_ms_le=" + bucketQuantile(hookBuckets, 0.999));
		Map<String, Double> confirmBuckets = delta(before, after, "gateway_broker_confirm_seconds_bucket", "le", null);
		double confirms = delta(before, after, "gateway_broker_confirm_seconds_count", null, null).getOrDefault("", 0.0);
		double confirmSum = delta(before, after, "gateway_broker_confirm_seconds_sum", null, null).getOrDefault("", 0.0);
		System.out.println(prefix + ".confirms=" + Math.round(confirms));
		System.out.println(prefix + ".confirm_mean_ms="
				+ (confirms > 0 ? String.format(Locale.ROOT, "%.3f", confirmSum / confirms * 1000) : "n/a"));
		System.out.println(prefix + ".confirm_p50_ms_le=" + bucketQuantile(confirmBuckets, 0.50));
		System.out.println(prefix + ".confirm_p99_ms_le=" + bucketQuantile(confirmBuckets, 0.99));
		System.out.println(prefix + ".confirm_p999_ms_le=" + bucketQuantile(confirmBuckets, 0.999));
		Map<String, Double> events = delta(before, after, "gateway_events_total", "outcome", null);
		events.forEach((k, v) -> System.out.println(prefix + ".events_" + k + "=" + Math.round(v)));
		after.forEach((k, v) -> {
			if (k.startsWith("gateway_spool_depth")) {
				System.out.println(prefix + ".spool_depth_after=" + Math.round(v));
			}
		});
	}

	// ---------------------------------------------------------------- several runs

	static void median(String[] args) throws IOException {
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (String file : args) {
			for (String line : Files.readAllLines(Path.of(file))) {
				int eq = line.indexOf('=');
				if (eq > 0 && !line.startsWith("#")) {
					values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
				}
			}
		}
		for (Map.Entry<String, List<String>> e : values.entrySet()) {
			List<String> v = e.getValue();
			String median;
			try {
				double[] d = v.stream().mapToDouble(Double::parseDouble).sorted().toArray();
				double m = d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
				median = (m == Math.rint(m) && Math.abs(m) < 1e15) ? Long.toString((long) m)
						: String.format(Locale.ROOT, "%.3f", m);
			}
			catch (NumberFormatException ex) {
				median = "-";
			}
			System.out.println(e.getKey() + "=" + median + "   (runs: " + String.join(", ", v) + ")");
		}
	}

}
