package dev.streamctl.common.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The real RabbitMQ the integration tests use, picked once per JVM: the broker named by
 * {@code TEST_RABBITMQ_HOST} (with {@code _PORT}, {@code _USERNAME}, {@code _PASSWORD},
 * {@code _MANAGEMENT_URL}), else the one on localhost:5672 when it answers, else a
 * Testcontainers broker when Docker runs; with none of them tests fail saying what to
 * start. Tests isolate themselves in a vhost of their own ({@link #createVhost(String)}),
 * made through the management API.
 */
public final class TestBroker {

	private static TestBroker instance;

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final URI management;

	/**
	 * HTTP/1.1, which the management API speaks: no h2c upgrade attempt on a request with
	 * a body.
	 */
	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private TestBroker(String host, int port, String username, String password, URI management) {
		this.host = host;
		this.port = port;
		this.username = username;
		this.password = password;
		this.management = management;
	}

	public static synchronized TestBroker get() {
		if (instance == null) {
			instance = locate();
			instance.requireManagement();
		}
		return instance;
	}

	private static TestBroker locate() {
		Map<String, String> env = System.getenv();
		if (env.containsKey("TEST_RABBITMQ_HOST")) {
			String host = env.get("TEST_RABBITMQ_HOST");
			return new TestBroker(host, Integer.parseInt(env.getOrDefault("TEST_RABBITMQ_PORT", "5672")),
					env.getOrDefault("TEST_RABBITMQ_USERNAME", "guest"),
					env.getOrDefault("TEST_RABBITMQ_PASSWORD", "guest"),
					URI.create(env.getOrDefault("TEST_RABBITMQ_MANAGEMENT_URL", "http://" + host + ":15672")));
		}
		if (answers("localhost", 5672)) {
			return new TestBroker("localhost", 5672, "guest", "guest", URI.create("http://localhost:15672"));
		}
		if (DockerClientFactory.instance().isDockerAvailable()) {
			RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse("rabbitmq:4.1.8-management"));
			container.start();
			return new TestBroker(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
					container.getAdminPassword(), URI.create(container.getHttpUrl()));
		}
		throw new IllegalStateException("No RabbitMQ for the integration tests: start one on localhost:5672 with the "
				+ "management plugin (rabbitmq-server -detached; rabbitmq-plugins enable rabbitmq_management), "
				+ "or name one with TEST_RABBITMQ_HOST, or start Docker for a Testcontainers broker");
	}

	private static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void requireManagement() {
		Answer answer = call("GET", "/api/overview", null);
		if (answer.status() != 200) {
			throw new IllegalStateException("RabbitMQ at " + this.host + ":" + this.port + " has no management API at "
					+ this.management + " (" + answer + "): rabbitmq-plugins enable rabbitmq_management");
		}
	}

	/**
	 * A new, empty vhost named after the test, on which {@link #username()} may do
	 * everything. It is deleted when the test JVM exits, after any Spring context still
	 * using it has closed.
	 */
	public String createVhost(String prefix) {
		String vhost = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
		expect(call("PUT", "/api/vhosts/" + encode(vhost), "{}"), "create vhost " + vhost);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteVhost(vhost)));
		expect(call("PUT", "/api/permissions/" + encode(vhost) + "/" + encode(this.username),
				"{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"), "grant " + vhost);
		return vhost;
	}

	/**
	 * Imports definitions (the format of {@code rabbitmq/definitions.json}) into a vhost,
	 * as the broker does at boot with {@code load_definitions}; every object goes into
	 * {@code vhost} whatever vhost it names.
	 */
	public void importDefinitions(String vhost, String definitions) {
		expect(call("POST", "/api/definitions/" + encode(vhost), definitions), "import definitions into " + vhost);
	}

	public void deleteVhost(String vhost) {
		call("DELETE", "/api/vhosts/" + encode(vhost), null);
	}

	/** Spring Boot properties that point a context at this broker and vhost. */
	public Map<String, String> springProperties(String vhost) {
		Map<String, String> properties = new HashMap<>();
		properties.put("spring.rabbitmq.host", this.host);
		properties.put("spring.rabbitmq.port", String.valueOf(this.port));
		properties.put("spring.rabbitmq.username", this.username);
		properties.put("spring.rabbitmq.password", this.password);
		properties.put("spring.rabbitmq.virtual-host", vhost);
		return properties;
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public String username() {
		return this.username;
	}

	public String password() {
		return this.password;
	}

	/**
	 * The status of the management API's answer. Every call here is idempotent, so one
	 * that fails on the way (the server closed a pooled connection the client reused) is
	 * tried again, twice at most; then the failure is part of the message.
	 */
	private Answer call(String method, String path, @Nullable String body) {
		String credentials = Base64.getEncoder()
			.encodeToString((this.username + ":" + this.password).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(this.management.resolve(path))
			.header("Authorization", "Basic " + credentials)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.method(method,
					body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
			.build();
		IOException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			try {
				return new Answer(this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), null);
			}
			catch (IOException ex) {
				failure = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Answer(-1, ex);
			}
		}
		return new Answer(-1, failure);
	}

	private static void expect(Answer answer, String what) {
		if (answer.status() < 200 || answer.status() >= 300) {
			throw new IllegalStateException("RabbitMQ management API refused to " + what + " (" + answer + ")",
					answer.failure());
		}
	}

	/** An HTTP status, or -1 and why no answer came. */
	private record Answer(int status, @Nullable Exception failure) {

		@Override
		public String toString() {
			return (this.failure != null) ? "no answer: " + this.failure : "HTTP " + this.status;
		}

	}

	private static String encode(String segment) {
		return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
