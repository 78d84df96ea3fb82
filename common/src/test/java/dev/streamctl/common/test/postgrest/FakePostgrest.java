package dev.streamctl.common.test.postgrest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.streamctl.common.test.postgrest.ChannelsTable.Page;
import dev.streamctl.common.test.postgrest.PostgrestQuery.Selected;

/**
 * A Supabase REST endpoint (PostgREST 12 behind Supabase's gateway) serving the one table
 * {@code channels_channel}, for tests and benchmarks. It listens on 127.0.0.1 at a free
 * port from construction to {@link #close()}, serves {@code GET} and {@code PATCH} under
 * {@code /rest/v1/} and the function {@code apply_stream_events} of the project's
 * migration at {@code POST /rest/v1/rpc/apply_stream_events} (see
 * {@link #applyFunction(boolean)}), and answers with the status, headers and JSON bodies
 * PostgREST does, errors included. Requests are handled concurrently on a growing pool of
 * daemon threads; every method of this class is thread-safe.
 * <p>
 * Keys: {@link #SERVICE_KEY} has full access; {@link #ANON_KEY} reads everything and
 * writes unless {@link #rlsHidesWrites(boolean)} hides the rows from it. The key goes in
 * the {@code apikey} header (or query parameter); an {@code Authorization: Bearer} token,
 * when present, must be the same key.
 * <p>
 * Faults: {@link #failWith}, {@link #hang()} and {@link #dropConnections()} set the way
 * every request is answered until {@link #clearFaults()} (the last one set wins);
 * {@link #failNext} answers the next requests first. {@link #setLatency} delays every
 * request before its fault or answer. Every request is recorded in {@link #requests()},
 * whatever its answer.
 * <p>
 * Not implemented (answered 501 with code {@code FAKE501}): operators other than
 * {@code eq}, {@code neq}, {@code lt}, {@code lte}, {@code gt}, {@code gte}, {@code in}
 * and {@code is}; embedding, JSON paths, casts; {@code limit}/{@code offset} on PATCH;
 * media types other than JSON and the single-object one; function calls with {@code GET},
 * with a form body or with an array of argument objects. Rows come back in insertion
 * order unless {@code order} says otherwise; text compares in code-unit order (collation
 * C).
 * <p>
 * Loading this class sets {@code sun.net.httpserver.nodelay=true} unless it is already
 * set: without TCP_NODELAY the JDK server stalls small answers on delayed ACKs, 3 to 7
 * times fewer requests a second. The JDK reads the property once, when the first
 * {@link HttpServer} of the JVM is created.
 */
public final class FakePostgrest implements AutoCloseable {

	/** The {@code service_role} key: reads and writes everything. */
	public static final String SERVICE_KEY = "test-service-role-key";

	/**
	 * The {@code anon} key: reads everything; its writes touch no row while
	 * {@link #rlsHidesWrites(boolean)}.
	 */
	public static final String ANON_KEY = "test-anon-key";

	private static final String REST_PREFIX = "/rest/v1/";

	private static final String RPC_PREFIX = REST_PREFIX + "rpc/";

	private static final String JSON = "application/json; charset=utf-8";

	private static final String OBJECT_JSON = "application/vnd.pgrst.object+json; charset=utf-8";

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	static {
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final ChannelsTable table = new ChannelsTable();

	private final List<RecordedRequest> requests = new ArrayList<>();

	private final ExecutorService executor;

	private final HttpServer server;

	private volatile Duration latency = Duration.ZERO;

	private volatile boolean rlsHidesWrites;

	private volatile boolean applyFunction = true;

	private Fault fault;

	private Fault nextFault;

	private int nextFaultCount;

	private CountDownLatch release = new CountDownLatch(1);

	private boolean closed;

	/** Starts serving on 127.0.0.1 at a free port. */
	public FakePostgrest() {
		this.executor = Executors.newCachedThreadPool(daemonThreads());
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
		}
		catch (IOException ex) {
			this.executor.shutdownNow();
			throw new UncheckedIOException("cannot listen on 127.0.0.1", ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * The base URL, {@code http://127.0.0.1:PORT}; the REST API is under
	 * {@code /rest/v1/}.
	 */
	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Inserts an offline channel never modified ({@code modified} NULL) and returns its
	 * new random id.
	 */
	public UUID addChannel(String streamKey) {
		return addChannel(streamKey, false, null);
	}

	/**
	 * Inserts a channel: {@code last_status} is {@code online} when live, else
	 * {@code offline}; {@code cover} is NULL; {@code modified} (may be null) is kept to
	 * the microsecond, as PostgreSQL keeps it.
	 */
	public UUID addChannel(String streamKey, boolean live, Instant modified) {
		Objects.requireNonNull(streamKey, "streamKey");
		UUID id = UUID.randomUUID();
		this.table.insert(new Object[] { id.toString(), streamKey, live, live ? "online" : "offline", null,
				Column.stored(modified) });
		return id;
	}

	/**
	 * A copy of the row with this id: keys {@code id} (String), {@code stream_id},
	 * {@code is_on_live} (Boolean), {@code last_status}, {@code cover} and
	 * {@code modified} (Instant), null for SQL NULL.
	 * @throws IllegalArgumentException when no row has this id
	 */
	public Map<String, Object> row(UUID id) {
		Map<String, Object> row = this.table.row(id);
		if (row == null) {
			throw new IllegalArgumentException("no row of channels_channel has id " + id);
		}
		return row;
	}

	/** Copies of every row, in insertion order. */
	public List<Map<String, Object>> rows() {
		return this.table.rows();
	}

	/**
	 * Delays every request by {@code latency} before it is answered (or faulted); zero by
	 * default.
	 */
	public void setLatency(Duration latency) {
		this.latency = Objects.requireNonNull(latency, "latency");
	}

	/**
	 * Answers every request with {@code status} and {@code body} (as
	 * {@code application/json}) until {@link #clearFaults()}.
	 */
	public synchronized void failWith(int status, String body) {
		this.fault = Fault.failure(status, body);
	}

	/**
	 * Answers the next {@code count} requests with {@code status} and {@code body},
	 * before any other fault.
	 */
	public synchronized void failNext(int count, int status, String body) {
		this.nextFault = Fault.failure(status, body);
		this.nextFaultCount = count;
	}

	/**
	 * Holds every request without answering until {@link #clearFaults()} or
	 * {@link #close()}, then closes its connection.
	 */
	public synchronized void hang() {
		this.fault = new Fault(Fault.Kind.HANG, 0, null, this.release);
	}

	/**
	 * Closes every request's connection without any HTTP answer, until
	 * {@link #clearFaults()}.
	 */
	public synchronized void dropConnections() {
		this.fault = new Fault(Fault.Kind.DROP, 0, null, null);
	}

	/**
	 * Ends every fault and releases held requests (their connections are closed
	 * unanswered). Latency stays.
	 */
	public synchronized void clearFaults() {
		this.fault = null;
		this.nextFault = null;
		this.nextFaultCount = 0;
		this.release.countDown();
		this.release = new CountDownLatch(1);
	}

	/**
	 * While {@code hidden}, a PATCH made with {@link #ANON_KEY} matches no row and
	 * changes nothing, without error.
	 */
	public void rlsHidesWrites(boolean hidden) {
		this.rlsHidesWrites = hidden;
	}

	/**
	 * Whether the database has the function {@code apply_stream_events} (it has at
	 * first); without it, calls of it are answered 404 PGRST202 as PostgREST answers them
	 * before the migration is applied.
	 */
	public void applyFunction(boolean exists) {
		this.applyFunction = exists;
	}

	/** Every request received so far, in order of arrival. */
	public List<RecordedRequest> requests() {
		synchronized (this.requests) {
			return List.copyOf(this.requests);
		}
	}

	public int requestCount() {
		synchronized (this.requests) {
			return this.requests.size();
		}
	}

	/** Forgets the requests recorded so far (for long benchmark runs). */
	public void clearRequests() {
		synchronized (this.requests) {
			this.requests.clear();
		}
	}

	/**
	 * Stops serving: held requests are released and open connections closed. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.release.countDown();
		}
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) {
		try (exchange) {
			RecordedRequest request = record(exchange);
			TimeUnit.NANOSECONDS.sleep(this.latency.toNanos());
			Fault fault = takeFault();
			if (fault == null) {
				send(exchange, answer(request, exchange.getRequestHeaders()));
			}
			else if (fault.kind == Fault.Kind.FAIL) {
				send(exchange, new Response(fault.status, Map.of("Content-Type", "application/json"), fault.body));
			}
			else if (fault.kind == Fault.Kind.HANG) {
				fault.release.await();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// the client is gone; nothing to answer
		}
	}

	private RecordedRequest record(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		Map<String, String> headers = new LinkedHashMap<>();
		exchange.getRequestHeaders()
			.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
					values.isEmpty() ? "" : values.get(0)));
		String rawQuery = exchange.getRequestURI().getRawQuery();
		RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(),
				exchange.getRequestURI().getRawPath(), (rawQuery != null) ? rawQuery : "",
				Collections.unmodifiableMap(headers), body);
		synchronized (this.requests) {
			this.requests.add(request);
		}
		return request;
	}

	private synchronized Fault takeFault() {
		if (this.nextFaultCount > 0) {
			this.nextFaultCount--;
			return this.nextFault;
		}
		return this.fault;
	}

	private Response answer(RecordedRequest request, Headers headers) {
		try {
			boolean service = authenticate(request, headers);
			if (request.rawPath().startsWith(RPC_PREFIX)) {
				return call(request, headers, service);
			}
			String table = resource(request.rawPath());
			if (!request.method().equals("GET") && !request.method().equals("PATCH")) {
				throw PostgrestException.of(405, "PGRST117", null, null,
						"Unsupported HTTP method: " + request.method());
			}
			PostgrestQuery query = PostgrestQuery.parse(request.rawQuery());
			JsonNode payload = request.method().equals("PATCH") ? payload(request, headers) : null;
			if (!table.equals(Column.TABLE)) {
				throw PostgrestException.of(404, "PGRST205", null,
						"Perhaps you meant the table 'public." + Column.TABLE + "'",
						"Could not find the table 'public." + table + "' in the schema cache");
			}
			boolean singular = singular(headers);
			Prefer prefer = Prefer.of(headers);
			return (payload == null) ? read(query, singular, prefer)
					: update(query, payload, singular, prefer, !service && this.rlsHidesWrites);
		}
		catch (PostgrestException ex) {
			Map<String, String> errorHeaders = new LinkedHashMap<>(ex.headers());
			errorHeaders.put("Content-Type", JSON);
			return new Response(ex.status(), errorHeaders, ex.body());
		}
		catch (RuntimeException ex) {
			return new Response(500, Map.of("Content-Type", JSON),
					PostgrestException
						.of(500, "FAKE500", String.valueOf(ex), null,
								"FakePostgrest failed: " + ex.getClass().getName())
						.body());
		}
	}

	/**
	 * Supabase's gateway checks the key, then PostgREST the bearer token; answers whether
	 * it is the service key.
	 */
	private static boolean authenticate(RecordedRequest request, Headers headers) {
		String apikey = headers.getFirst("apikey");
		if (apikey == null || apikey.isEmpty()) {
			apikey = PostgrestQuery.firstValue(request.rawQuery(), "apikey");
		}
		if (apikey == null || apikey.isEmpty()) {
			throw PostgrestException.gateway(401, "No API key found in request",
					"No `apikey` request header or url param was found.");
		}
		if (!apikey.equals(SERVICE_KEY) && !apikey.equals(ANON_KEY)) {
			throw PostgrestException.gateway(401, "Invalid API key",
					"Double check your Supabase `anon` or `service_role` API key.");
		}
		String authorization = headers.getFirst("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			String token = authorization.substring(7).strip();
			if (!token.isEmpty() && !token.equals(apikey)) {
				throw PostgrestException.withHeaders(401, "PGRST301", null, null, "JWSError JWSInvalidSignature",
						Map.of("WWW-Authenticate",
								"Bearer error=\"invalid_token\", error_description=\"JWSError JWSInvalidSignature\""));
			}
		}
		return apikey.equals(SERVICE_KEY);
	}

	private static String resource(String rawPath) {
		String rest = rawPath.startsWith(REST_PREFIX) ? rawPath.substring(REST_PREFIX.length()) : "";
		if (rest.isEmpty() || rest.contains("/")) {
			throw PostgrestException.of(404, "PGRST125", null, null, "Invalid path specified in request URL");
		}
		return PostgrestQuery.percentDecode(rest);
	}

	private static JsonNode payload(RecordedRequest request, Headers headers) {
		String contentType = headers.getFirst("Content-Type");
		String mediaType = (contentType != null) ? contentType.split(";")[0].strip().toLowerCase(Locale.ROOT) : "";
		if (mediaType.equals("text/csv") || mediaType.equals("application/x-www-form-urlencoded")) {
			throw PostgrestException.unsupported("PATCH bodies of type " + mediaType);
		}
		if (!mediaType.isEmpty() && !mediaType.equals("application/json")) {
			throw PostgrestException.of(400, "PGRST102", null, null, "Content-Type not acceptable: " + mediaType);
		}
		try {
			JsonNode body = request.body().isBlank() ? null : MAPPER.readTree(request.body());
			if (body != null && body.isObject()) {
				return body;
			}
		}
		catch (JacksonException ex) {
			// answered below as PostgREST does
		}
		throw PostgrestException.of(400, "PGRST102", null, null, "Empty or invalid json");
	}

	/**
	 * A function call, {@code POST /rest/v1/rpc/<name>}: the body's keys name the
	 * parameters. The one function there is, {@link ApplyStreamEvents}, may be executed
	 * by the service key only (the anon key gets PostgreSQL's 42501, as after the
	 * migration's {@code revoke}).
	 */
	private Response call(RecordedRequest request, Headers headers, boolean service) {
		String name = PostgrestQuery.percentDecode(request.rawPath().substring(RPC_PREFIX.length()));
		if (name.isEmpty() || name.contains("/")) {
			throw PostgrestException.of(404, "PGRST125", null, null, "Invalid path specified in request URL");
		}
		if (request.method().equals("GET") || request.method().equals("HEAD")) {
			throw PostgrestException.unsupported("calling a function with " + request.method());
		}
		if (!request.method().equals("POST")) {
			throw PostgrestException.of(405, "PGRST101", null, null,
					"Cannot use the " + request.method() + " method on RPC");
		}
		boolean exists = this.applyFunction && name.equals(ApplyStreamEvents.NAME);
		JsonNode arguments = arguments(request, headers, name, exists);
		List<String> keys = new ArrayList<>();
		arguments.propertyNames().forEach(keys::add);
		Collections.sort(keys);
		if (!exists || !keys.equals(List.of(ApplyStreamEvents.PARAMETER))) {
			throw ApplyStreamEvents.notFound(name, keys, null, true, exists);
		}
		if (!service) {
			throw PostgrestException.withHeaders(401, "42501", null, null,
					"permission denied for function " + ApplyStreamEvents.NAME, Map.of("WWW-Authenticate", "Bearer"));
		}
		List<ApplyStreamEvents.Result> results = ApplyStreamEvents.call(this.table,
				arguments.get(ApplyStreamEvents.PARAMETER));
		Map<String, String> answerHeaders = new LinkedHashMap<>();
		answerHeaders.put("Content-Range", contentRange(0, results.size(), null));
		answerHeaders.put("Content-Type", JSON);
		return new Response(200, answerHeaders, ApplyStreamEvents.render(results));
	}

	/**
	 * A call's arguments as PostgREST reads its body: JSON by default, an empty body as
	 * no arguments, any JSON other than an object or an array as none either.
	 */
	private static JsonNode arguments(RecordedRequest request, Headers headers, String name, boolean exists) {
		String contentType = headers.getFirst("Content-Type");
		String mediaType = (contentType != null) ? contentType.split(";")[0].strip().toLowerCase(Locale.ROOT) : "";
		String single = switch (mediaType) {
			case "text/plain" -> "text";
			case "text/xml" -> "xml";
			case "application/octet-stream" -> "bytea";
			default -> null;
		};
		if (single != null) {
			throw ApplyStreamEvents.notFound(name, List.of(), single, false, exists);
		}
		if (mediaType.equals("application/x-www-form-urlencoded")) {
			throw PostgrestException.unsupported("function arguments of type " + mediaType);
		}
		if (!mediaType.isEmpty() && !mediaType.equals("application/json")) {
			throw PostgrestException.of(400, "PGRST102", null, null, "Content-Type not acceptable: " + mediaType);
		}
		if (request.body().isEmpty()) {
			return MAPPER.createObjectNode();
		}
		JsonNode body;
		try {
			body = MAPPER.readTree(request.body());
		}
		catch (JacksonException ex) {
			body = null;
		}
		if (body == null || body.isMissingNode()) {
			throw PostgrestException.of(400, "PGRST102", null, null, "Empty or invalid json");
		}
		if (body.isArray() && !body.isEmpty()) {
			throw uniformObjects(body) ? PostgrestException.unsupported("calling a function with a JSON array")
					: PostgrestException.of(400, "PGRST102", null, null, "All object keys must match");
		}
		return body.isObject() ? body : MAPPER.createObjectNode();
	}

	private static boolean uniformObjects(JsonNode array) {
		Set<String> keys = new HashSet<>(array.get(0).propertyNames());
		for (JsonNode element : array) {
			if (!element.isObject() || !keys.equals(new HashSet<>(element.propertyNames()))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether {@code Accept} asks for one JSON object; 406 PGRST107 when it accepts
	 * nothing PostgREST produces.
	 */
	private static boolean singular(Headers headers) {
		String accept = headers.getFirst("Accept");
		if (accept == null || accept.isBlank()) {
			return false;
		}
		List<String[]> ranges = new ArrayList<>();
		for (String part : accept.split(",")) {
			String[] pieces = part.split(";");
			String quality = "1";
			for (int i = 1; i < pieces.length; i++) {
				if (pieces[i].strip().startsWith("q=")) {
					quality = pieces[i].strip().substring(2);
				}
			}
			ranges.add(new String[] { pieces[0].strip().toLowerCase(Locale.ROOT), quality });
		}
		ranges.sort(Comparator.comparingDouble((String[] range) -> -quality(range[1])));
		for (String[] range : ranges) {
			String type = range[0];
			if (type.equals("*/*") || type.equals("application/*") || type.equals("application/json")) {
				return false;
			}
			if (type.equals("application/vnd.pgrst.object+json") || type.equals("application/vnd.pgrst.object")) {
				return true;
			}
			if (type.equals("text/csv") || type.equals("application/geo+json")
					|| type.startsWith("application/vnd.pgrst.")) {
				throw PostgrestException.unsupported("the media type " + type);
			}
		}
		List<String> types = new ArrayList<>();
		ranges.forEach(range -> types.add(range[0]));
		throw PostgrestException.of(406, "PGRST107", null, null,
				"None of these media types are available: " + String.join(", ", types));
	}

	private static double quality(String text) {
		try {
			return Double.parseDouble(text);
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

	private Response read(PostgrestQuery query, boolean singular, Prefer prefer) {
		List<Selected> selection = query.selection();
		query.bind();
		Page page = this.table.read(query);
		int count = page.rows().size();
		if (singular && count != 1) {
			throw ChannelsTable.singularityError(count);
		}
		Long total = (prefer.count != null) ? Long.valueOf(page.total()) : null;
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Range", contentRange(query.offset(), count, total));
		String canonical = query.canonical();
		headers.put("Content-Location", "/" + Column.TABLE + (canonical.isEmpty() ? "" : "?" + canonical));
		headers.put("Content-Type", singular ? OBJECT_JSON : JSON);
		prefer.applied(false).ifPresent(applied -> headers.put("Preference-Applied", applied));
		if (total != null && query.offset() > total) {
			return new Response(416, headers,
					PostgrestException
						.of(416, "PGRST103",
								"An offset of " + query.offset() + " was requested, but there are only " + total
										+ " rows.",
								null, "Requested range not satisfiable")
						.body());
		}
		int status = (total != null && count < total) ? 206 : 200;
		return new Response(status, headers, ChannelsTable.render(page.rows(), selection, singular));
	}

	private Response update(PostgrestQuery query, JsonNode payload, boolean singular, Prefer prefer, boolean hidden) {
		Map<Column, JsonNode> columns = new EnumMap<>(Column.class);
		Map<String, JsonNode> sorted = new TreeMap<>();
		payload.properties().forEach(property -> sorted.put(property.getKey(), property.getValue()));
		sorted.forEach((name, value) -> {
			Column column = Column.named(name);
			if (column == null) {
				throw PostgrestException.of(400, "PGRST204", null, null,
						"Could not find the '" + name + "' column of '" + Column.TABLE + "' in the schema cache");
			}
			columns.put(column, value);
		});
		query.bind();
		boolean representation = "return=representation".equals(prefer.returning);
		List<Selected> selection = representation ? query.selection() : List.of();
		if (query.hasRange()) {
			throw PostgrestException.unsupported("limit and offset on PATCH");
		}
		if (!columns.isEmpty() && !query.hasWhere()) {
			throw PostgrestException.of(400, "21000", null, null, "UPDATE requires a WHERE clause");
		}
		Map<Column, Object> values = new EnumMap<>(Column.class);
		columns.forEach((column, value) -> values.put(column, column.fromJson(value)));
		List<Object[]> updated = this.table.update(query, values, hidden, singular);
		boolean counted = "count=exact".equals(prefer.count) || "count=estimated".equals(prefer.count);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Range", contentRange(0, updated.size(), counted ? Long.valueOf(updated.size()) : null));
		prefer.applied(true).ifPresent(applied -> headers.put("Preference-Applied", applied));
		if (!representation) {
			return new Response(204, headers, null);
		}
		headers.put("Content-Type", singular ? OBJECT_JSON : JSON);
		return new Response(200, headers, ChannelsTable.render(updated, selection, singular));
	}

	/**
	 * PostgREST's {@code Content-Range}: {@code first-last/total}, {@code *} for an empty
	 * range or unknown total.
	 */
	private static String contentRange(long first, long count, Long total) {
		long last = first + count - 1;
		boolean shown = (total == null || total != 0) && first <= last;
		return (shown ? first + "-" + last : "*") + "/" + ((total != null) ? total : "*");
	}

	private void send(HttpExchange exchange, Response response) throws IOException {
		response.headers.forEach(exchange.getResponseHeaders()::set);
		byte[] body = (response.body != null) ? response.body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		boolean bodyless = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
		exchange.sendResponseHeaders(response.status, bodyless ? -1 : body.length);
		if (!bodyless) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	private static ThreadFactory daemonThreads() {
		AtomicInteger count = new AtomicInteger();
		return task -> {
			Thread thread = new Thread(task, "fake-postgrest-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private record Response(int status, Map<String, String> headers, String body) {
	}

	/**
	 * The first {@code return=} and {@code count=} preferences of all {@code Prefer}
	 * headers.
	 */
	private static final class Prefer {

		private String returning;

		private String count;

		static Prefer of(Headers headers) {
			Prefer prefer = new Prefer();
			for (String header : headers.getOrDefault("Prefer", List.of())) {
				for (String token : header.split(",")) {
					String preference = token.strip();
					if (prefer.returning == null
							&& List.of("return=representation", "return=minimal", "return=headers-only")
								.contains(preference)) {
						prefer.returning = preference;
					}
					if (prefer.count == null
							&& List.of("count=exact", "count=planned", "count=estimated").contains(preference)) {
						prefer.count = preference;
					}
				}
			}
			return prefer;
		}

		/**
		 * The {@code Preference-Applied} header PostgREST sends: return (mutations only),
		 * then count.
		 */
		Optional<String> applied(boolean mutation) {
			List<String> applied = new ArrayList<>();
			if (mutation && this.returning != null) {
				applied.add(this.returning);
			}
			if (this.count != null) {
				applied.add(this.count);
			}
			return applied.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", applied));
		}

	}

	/**
	 * How requests are answered instead of normally: a given failure, never, or by
	 * dropping the connection.
	 */
	private static final class Fault {

		enum Kind {

			FAIL, HANG, DROP

		}

		private final Kind kind;

		private final int status;

		private final String body;

		private final CountDownLatch release;

		Fault(Kind kind, int status, String body, CountDownLatch release) {
			this.kind = kind;
			this.status = status;
			this.body = body;
			this.release = release;
		}

		static Fault failure(int status, String body) {
			return new Fault(Kind.FAIL, status, (body != null) ? body : "", null);
		}

	}

}
