package dev.streamctl.common.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An SRS 6 HTTP API for tests: {@code GET /api/v1/streams?start=&count=} answers in the
 * shape of the captured {@code api_v1_streams.json}, listing the streams the test put
 * there (each a copy of the captured live stream with its name, id and publisher
 * changed). Like SRS, a page holds at least 10 streams.
 */
public final class FakeSrsApi implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int MIN_PAGE = 10;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final ObjectNode template = (ObjectNode) JSON.readTree(SrsFixtures.raw("api_v1_streams.json"));

	private final List<ObjectNode> streams = new CopyOnWriteArrayList<>();

	private volatile int failStatus;

	private volatile Duration latency = Duration.ZERO;

	public FakeSrsApi() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/api/v1/streams", this::streams);
		this.server.start();
	}

	public URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** SRS's own server id, as in the captured answers and hooks. */
	public String serverId() {
		return this.template.get("server").asString();
	}

	/** Lists a stream of {@code app} with an active publisher. */
	public void publish(String app, String name, String clientId) {
		ObjectNode stream = liveStream().deepCopy();
		stream.put("id", "vid-" + Integer.toHexString(name.hashCode()));
		stream.put("name", name);
		stream.put("app", app);
		stream.put("url", "/" + app + "/" + name);
		((ObjectNode) stream.get("publish")).put("active", true).put("cid", clientId);
		unpublish(app, name);
		this.streams.add(stream);
	}

	public void unpublish(String app, String name) {
		this.streams.removeIf(s -> s.get("name").asString().equals(name) && s.get("app").asString().equals(app));
	}

	/**
	 * Every request answers this HTTP status (0: answer normally). A request already
	 * being answered keeps the answer it had: wait for an effect of the change (a
	 * reconciler round counted partial) before relying on it.
	 */
	public void failWith(int status) {
		this.failStatus = status;
	}

	/**
	 * Every request waits this long before its answer (zero: none); {@link #close()} ends
	 * the wait without an answer.
	 */
	public void setLatency(Duration latency) {
		this.latency = latency;
	}

	private ObjectNode liveStream() {
		for (var stream : this.template.get("streams")) {
			if ("live".equals(stream.get("app").asString())) {
				return (ObjectNode) stream;
			}
		}
		throw new IllegalStateException("api_v1_streams.json has no stream of app live");
	}

	private void streams(HttpExchange exchange) throws IOException {
		try {
			Thread.sleep(this.latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exchange.close();
			return;
		}
		if (this.failStatus != 0) {
			answer(exchange, this.failStatus, "{\"code\":1}");
			return;
		}
		int start = queryInt(exchange, "start", 0);
		int count = Math.max(MIN_PAGE, queryInt(exchange, "count", MIN_PAGE));
		List<ObjectNode> all = new ArrayList<>(this.streams);
		ObjectNode body = this.template.deepCopy();
		ArrayNode page = body.putArray("streams");
		all.subList(Math.min(start, all.size()), Math.min(start + count, all.size())).forEach(page::add);
		answer(exchange, 200, JSON.writeValueAsString(body));
	}

	private static int queryInt(HttpExchange exchange, String name, int fallback) {
		String query = exchange.getRequestURI().getQuery();
		if (query != null) {
			for (String pair : query.split("&")) {
				if (pair.startsWith(name + "=")) {
					return Integer.parseInt(pair.substring(name.length() + 1));
				}
			}
		}
		return fallback;
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.getResponseHeaders().set("Server", "SRS/6.0.157(Hang)");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
