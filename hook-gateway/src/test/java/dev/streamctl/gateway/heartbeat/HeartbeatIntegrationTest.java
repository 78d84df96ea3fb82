package dev.streamctl.gateway.heartbeat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.test.RepositoryFiles;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.gateway.support.EventTap;
import dev.streamctl.gateway.support.Hooks;
import dev.streamctl.gateway.support.LogStream;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SRS's heartbeat through the real endpoint, with the hook secret required as in the
 * deployment, onto a real broker whose vhost holds {@code rabbitmq/definitions.json}: the
 * captured body becomes an {@code srs.heartbeat} event that the log keeps and no stream
 * consumer's queue receives; bad secrets and bodies are refused, logged and counted, and
 * publish nothing.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class HeartbeatIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("gateway-heartbeat");

	private static final String SECRET = "hb-" + UUID.randomUUID();

	/** A thumbnail worker's control queue, bound as the workers bind theirs. */
	private static final String CONTROL_QUEUE = ThumbnailTopology.CONTROL_QUEUE_PREFIX + "heartbeat-test";

	static {
		importDeploymentDefinitions();
	}

	@TempDir
	static Path spool;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("gateway.delivery.spool-directory", () -> spool.toString());
		// the sentinels below prove absence by order: nothing may spool
		registry.add("gateway.delivery.confirm-deadline", () -> "5s");
		registry.add("gateway.hooks.secret", () -> SECRET);
		registry.add("gateway.auth.mode", () -> "open");
		registry.add("supabase.key", () -> "unused-in-open-mode");
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	private EventTap tap;

	private TestRabbit rabbit;

	private Hooks hooks;

	@BeforeEach
	void setUp() {
		this.tap = new EventTap(broker, vhost);
		this.rabbit = new TestRabbit(broker, vhost);
		this.hooks = new Hooks("http://localhost:" + this.port);
		Queue control = new Queue(CONTROL_QUEUE, false, false, false);
		this.rabbit.admin().declareQueue(control);
		this.rabbit.admin()
			.declareBinding(BindingBuilder.bind(control)
				.to(new TopicExchange(EventTopology.EXCHANGE))
				.with(EventTopology.EVERY_STREAM_EVENT));
		for (String queue : new String[] { StatusTopology.EVENTS_QUEUE, ThumbnailTopology.JOBS_QUEUE, CONTROL_QUEUE }) {
			this.rabbit.admin().purgeQueue(queue, false);
		}
	}

	@AfterEach
	void tearDown() {
		this.tap.close();
		this.rabbit.close();
	}

	@Test
	void publishesTheCapturedHeartbeatAsAnSrsHeartbeatEventAndAnswersCodeZero() {
		HttpResponse<String> answer = heartbeat(SrsFixtures.raw("heartbeat_request.json"), "/" + SECRET);

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"code\":0}");
		Message message = this.tap.nextMessage();
		SrsEvent event = this.tap.decodeEvent(message);
		assertThat(event).isInstanceOfSatisfying(SrsHeartbeat.class, heartbeat -> {
			assertThat(heartbeat.source()).isEqualTo(EventSource.SRS_HOOK);
			assertThat(heartbeat.serverId()).isEqualTo("vid-2703w37");
			assertThat(heartbeat.serviceId()).isEqualTo("5kr2b29q");
			assertThat(heartbeat.pid()).isEqualTo("19419");
			assertThat(heartbeat.deviceId()).isEqualTo("lab-srs-1");
			assertThat(heartbeat.ip()).isEqualTo("192.0.2.2");
			assertThat(heartbeat.api()).containsExactly("127.0.0.1:19850");
		});
		assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("srs.heartbeat");
		assertThat(message.getMessageProperties().getType()).isEqualTo("srs.heartbeat");
		assertThat(message.getMessageProperties().getMessageId()).isEqualTo(event.eventId().toString());
		assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/json");
		assertThat(message.getMessageProperties().getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
		assertThat(confirmedHeartbeats()).isPositive();
	}

	@Test
	void theLogKeepsAHeartbeatAndNoStreamConsumersQueueReceivesIt() {
		String server = "vid-" + UUID.randomUUID().toString().substring(0, 7);
		heartbeat(SrsFixtures.with("heartbeat_request.json", Map.of("server", server)), "/" + SECRET);
		SrsEvent heartbeat = this.tap.nextEvent();
		assertThat(heartbeat).isInstanceOf(SrsHeartbeat.class);

		LogStream.awaitEvent(broker, vhost, heartbeat.eventId());
		// a publish answered after the heartbeat: it is first in every queue the
		// heartbeat did not reach
		StreamPublished sentinel = postSentinelPublish();
		for (String queue : new String[] { StatusTopology.EVENTS_QUEUE, ThumbnailTopology.JOBS_QUEUE, CONTROL_QUEUE }) {
			Message first = this.rabbit.receive(queue);
			assertThat(first).as("the sentinel reached %s", queue).isNotNull();
			assertThat(first.getMessageProperties().getMessageId()).as("first message of %s", queue)
				.isEqualTo(sentinel.eventId().toString());
		}
	}

	@Test
	void refusesAMissingOrWrongSecretAndSaysWhereSrsMustPutIt(CapturedOutput output) {
		double before = heartbeats("unauthorized");
		String body = SrsFixtures.raw("heartbeat_request.json");

		HttpResponse<String> none = heartbeat(body, "");
		HttpResponse<String> wrong = heartbeat(body, "/not-the-secret");
		// SRS drops the query string of its heartbeat URL: the secret is taken from the
		// path only
		HttpResponse<String> inQuery = heartbeat(body, "?secret=" + SECRET);

		for (HttpResponse<String> answer : List.of(none, wrong, inQuery)) {
			assertThat(answer.statusCode()).isEqualTo(401);
			assertThat(answer.body()).startsWith("{\"code\":401,\"error\":\"missing or wrong hook secret")
				.contains("the last path segment of /srs/heartbeat/<secret>");
		}
		assertThat(heartbeats("unauthorized")).isEqualTo(before + 3);
		assertNothingPublishedBeforeASentinel();
		assertThat(output.getAll()).contains("Rejected heartbeat hook with 401").doesNotContain(SECRET);
		assertThat(this.hooks.get("/actuator/prometheus")).contains("gateway_heartbeats_seconds_count")
			.doesNotContain(SECRET);
	}

	@Test
	void refusesBadBodiesWithAClearErrorALogLineAndACount(CapturedOutput output) {
		double before = heartbeats("invalid");

		assertRejected(heartbeat("{\"server\":", "/" + SECRET), 400, "body is not valid JSON");
		assertRejected(heartbeat("{\"service\":\"5kr2b29q\"}", "/" + SECRET), 400,
				"field 'server' is required for a heartbeat");
		assertRejected(heartbeat("{\"server\":\"vid-1\"}", "/" + SECRET), 400,
				"field 'service' is required for a heartbeat");
		assertRejected(heartbeat("{\"server\":\"vid-1\",\"service\":\"s\",\"api\":1985}", "/" + SECRET), 400,
				"field 'api' must be an array of strings");
		assertRejected(heartbeat("{\"server\":\"vid-1\",\"service\":\"s\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}",
				"/" + SECRET), 413, "body is larger than 65536 bytes");
		assertRejected(this.hooks.post(SrsFixtures.raw("heartbeat_request.json"), "text/plain", "",
				"/srs/heartbeat/" + SECRET), 415, "content type must be application/json");

		assertThat(heartbeats("invalid")).isEqualTo(before + 6);
		assertThat(output.getAll()).contains("Rejected heartbeat hook with 400: field 'server' is required");
		assertNothingPublishedBeforeASentinel();
	}

	private HttpResponse<String> heartbeat(String body, String pathAndQuery) {
		return this.hooks.post(body, "application/json", "", "/srs/heartbeat" + pathAndQuery);
	}

	private StreamPublished postSentinelPublish() {
		String sentinel = "sentinel" + UUID.randomUUID().toString().replace("-", "");
		HttpResponse<String> answer = this.hooks.post(
				SrsFixtures.with("on_publish.json", Map.of("stream", sentinel, "client_id", "sentinel")),
				"application/json", "?secret=" + SECRET);
		assertThat(answer.statusCode()).isEqualTo(200);
		SrsEvent next = this.tap.nextEvent();
		assertThat(next).as("the next event is the sentinel")
			.isInstanceOfSatisfying(StreamPublished.class,
					published -> assertThat(published.session().stream().value()).isEqualTo(sentinel));
		return (StreamPublished) next;
	}

	/**
	 * Proves that the heartbeats posted before made no event, without sleeping: an event
	 * is confirmed before its answer, so it would be queued ahead of a sentinel posted
	 * now.
	 */
	private void assertNothingPublishedBeforeASentinel() {
		postSentinelPublish();
	}

	private static void assertRejected(HttpResponse<String> answer, int status, String error) {
		assertThat(answer.statusCode()).isEqualTo(status);
		assertThat(answer.body()).startsWith("{\"code\":" + status + ",\"error\":\"").contains(error);
	}

	private double heartbeats(String outcome) {
		var timer = this.meters.find("gateway.heartbeats").tag("outcome", outcome).timer();
		return (timer == null) ? 0 : timer.count();
	}

	private double confirmedHeartbeats() {
		return heartbeats("confirmed");
	}

	private static void importDeploymentDefinitions() {
		try {
			broker.importDefinitions(vhost, Files.readString(RepositoryFiles.find("rabbitmq/definitions.json")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
