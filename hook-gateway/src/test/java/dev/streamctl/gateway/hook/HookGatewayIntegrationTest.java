package dev.streamctl.gateway.hook;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.gateway.support.EventTap;
import dev.streamctl.gateway.support.Hooks;
import dev.streamctl.gateway.support.LogStream;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class HookGatewayIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("gateway-it");

	@TempDir
	static Path spool;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("gateway.delivery.spool-directory", () -> spool.toString());
		// these tests read events in the order hooks were answered; a loaded machine must
		// not spool some of them
		registry.add("gateway.delivery.confirm-deadline", () -> "5s");
		registry.add("gateway.auth.mode", () -> "open");
		registry.add("supabase.key", () -> "unused-in-open-mode");
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	private EventTap tap;

	private Hooks hooks;

	private String key;

	private String clientId;

	@BeforeEach
	void setUp() {
		this.tap = new EventTap(broker, vhost);
		this.hooks = new Hooks("http://localhost:" + this.port);
		this.key = "k" + UUID.randomUUID().toString().replace("-", "");
		this.clientId = UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void closeTap() {
		this.tap.close();
	}

	@Test
	void publishesAStreamPublishedEventWithTheContractsPropertiesAndAnswersCodeZero() {
		HttpResponse<String> answer = this.hooks.post(hook("on_publish.json"));

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"code\":0}");
		Message message = this.tap.nextMessage();
		StreamEvent event = this.tap.decode(message);
		assertThat(event).isInstanceOf(StreamPublished.class);
		assertThat(event.source()).isEqualTo(EventSource.SRS_HOOK);
		assertThat(event.session().stream().value()).isEqualTo(this.key);
		assertThat(event.session().clientId()).isEqualTo(this.clientId);
		assertThat(event.session().serverId()).isEqualTo("vid-2703w37");
		assertThat(event.session().streamId()).isEqualTo("vid-3204e79");
		assertThat(event.session().param()).isEqualTo("?token=abc");
		assertThat(message.getMessageProperties().getMessageId()).isEqualTo(event.eventId().toString());
		assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/json");
		assertThat(message.getMessageProperties().getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
		assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("stream.published");
		// the fixture's token is "abc", which a random event id can contain: look for the
		// parameter itself
		assertThat(message.getMessageProperties().getHeaders().values())
			.allSatisfy(header -> assertThat(String.valueOf(header)).doesNotContain(this.key, "token=abc"));
	}

	@Test
	void readsAHookSentInChunksWithoutALength() {
		HttpResponse<String> answer = this.hooks.postChunked(hook("on_publish.json"));

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"code\":0}");
		assertThat(this.tap.next().session().stream().value()).isEqualTo(this.key);
	}

	@Test
	void deliversAndCountsAHookWhoseCallerHungUpWithoutReadingTheAnswer() throws Exception {
		long before = publishesAnswered();
		byte[] body = hook("on_publish.json").getBytes(StandardCharsets.UTF_8);
		try (Socket socket = new Socket("localhost", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /srs/hooks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "Content-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
		}

		assertThat(this.tap.next().session().stream().value()).isEqualTo(this.key);
		await().atMost(Duration.ofSeconds(10)).until(() -> publishesAnswered() == before + 1);
	}

	@Test
	void turnsOnUnpublishIntoStreamUnpublished() {
		this.hooks.post(hook("on_publish.json"));
		this.hooks.post(hook("on_unpublish.json"));
		this.hooks.post(hook("on_close.json"));

		assertThat(this.tap.next()).isInstanceOf(StreamPublished.class);
		StreamEvent unpublished = this.tap.next();
		assertThat(unpublished).isInstanceOfSatisfying(StreamUnpublished.class,
				event -> assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.UNPUBLISHED));
		assertNothingElseUntilSentinel();
	}

	@Test
	void turnsAPublishersCloseWithoutUnpublishIntoAnUnpublishMarkedAsSuch() {
		this.hooks.post(hook("on_connect.json"));
		this.hooks.post(hook("on_publish.json"));
		this.hooks.post(hook("on_close.json"));

		StreamEvent published = this.tap.next();
		StreamEvent closed = this.tap.next();
		assertThat(closed).isInstanceOfSatisfying(StreamUnpublished.class, event -> {
			assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH);
			assertThat(event.session()).isEqualTo(published.session());
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "on_connect.json", "on_close.json", "on_close_player.json", "on_play.json", "on_stop.json",
			"on_play_http_flv.json", "on_stop_http_flv.json", "on_dvr.json", "on_hls.json",
			"on_publish_forwarded_copy.json" })
	void answersEveryOtherHookAndForwardedCopiesWithCodeZeroAndNoEvent(String fixture) {
		HttpResponse<String> answer = this.hooks.post(SrsFixtures.raw(fixture));

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("{\"code\":0}");
		assertNothingElseUntilSentinel();
	}

	@Test
	void refusesBadInputWithAClearErrorAndPublishesNothing() {
		assertRejected(this.hooks.post("{\"action\":\"on_publish\",", "application/json", ""), 400,
				"body is not valid JSON");
		assertRejected(this.hooks.post("[1,2]", "application/json", ""), 400, "body must be a JSON object");
		assertRejected(this.hooks.post(SrsFixtures.with("on_publish.json", Map.of("action", "on_explode")),
				"application/json", ""), 400, "unknown action");
		assertRejected(this.hooks.post("{\"action\":\"on_publish\",\"client_id\":\"c\",\"app\":\"live\"}",
				"application/json", ""), 400, "field 'stream' is required for on_publish");
		assertRejected(this.hooks.post(hook("on_publish.json"), "text/plain", ""), 415,
				"content type must be application/json");
		assertRejected(this.hooks.post("{\"action\":\"on_connect\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}",
				"application/json", ""), 413, "body is larger than 65536 bytes");
		assertRejected(this.hooks.postChunked("{\"action\":\"on_connect\",\"pad\":\"" + "x".repeat(100_000) + "\"}"),
				413, "body is larger than 65536 bytes");

		assertNothingElseUntilSentinel();
		long invalid = this.meters.get("gateway.hooks")
			.tag("outcome", "invalid")
			.timers()
			.stream()
			.mapToLong(timer -> timer.count())
			.sum();
		assertThat(invalid).isGreaterThanOrEqualTo(7);
	}

	@ParameterizedTest
	@ValueSource(strings = { "a/b", "..", "key;rm -rf", "key$(id)", "tab\tkey", "ünicode" })
	void refusesAPublishUnderAnUnsafeStreamNameWithoutEchoingIt(String unsafe) {
		HttpResponse<String> answer = this.hooks
			.post(SrsFixtures.with("on_publish.json", Map.of("stream", unsafe, "client_id", this.clientId)));

		assertThat(answer.statusCode()).isEqualTo(403);
		assertThat(answer.body()).startsWith("{\"code\":403,\"error\":\"stream name").doesNotContain(unsafe);
		assertNothingElseUntilSentinel();
	}

	@Test
	void refusesAnOverlongStreamName() {
		HttpResponse<String> answer = this.hooks
			.post(SrsFixtures.with("on_publish.json", Map.of("stream", "k".repeat(129), "client_id", this.clientId)));

		assertThat(answer.statusCode()).isEqualTo(403);
		assertThat(answer.body()).contains("at most 128");
	}

	@Test
	void keepsTheKeyAndTokenOutOfLogsAndMetrics(CapturedOutput output) {
		String token = "tok" + UUID.randomUUID();
		this.hooks.post(SrsFixtures.with("on_publish.json",
				Map.of("stream", this.key, "client_id", this.clientId, "param", "?token=" + token)));
		this.hooks.post(SrsFixtures.with("on_unpublish.json",
				Map.of("stream", this.key, "client_id", this.clientId, "param", "?token=" + token)));
		this.tap.next();
		this.tap.next();

		String prometheus = this.hooks.get("/actuator/prometheus");
		assertThat(prometheus).contains("gateway_hooks_seconds_count", "gateway_spool_depth",
				"gateway_broker_confirm_seconds");
		assertThat(output.getAll()).contains(this.key.substring(0, 3) + "***").doesNotContain(this.key, token);
		assertThat(prometheus).doesNotContain(this.key, token);
	}

	@Test
	void confirmsConcurrentHooksThroughOnePublisherKeepingEachStreamsOrder() throws Exception {
		int streams = 40;
		double confirmedBefore = this.meters.get("gateway.events").tag("outcome", "confirmed").counter().count();
		long burstEventsBefore = (long) this.meters.get("gateway.publisher.burst").summary().totalAmount();
		ExecutorService posters = Executors.newFixedThreadPool(16);
		try {
			List<Future<List<Integer>>> answers = new ArrayList<>();
			for (int i = 0; i < streams; i++) {
				Map<String, String> values = Map.of("stream", this.key + "-" + i, "client_id", "c" + i);
				answers.add(posters
					.submit(() -> List.of(this.hooks.post(SrsFixtures.with("on_publish.json", values)).statusCode(),
							this.hooks.post(SrsFixtures.with("on_unpublish.json", values)).statusCode())));
			}
			for (Future<List<Integer>> answer : answers) {
				assertThat(answer.get()).containsExactly(200, 200);
			}
		}
		finally {
			posters.shutdownNow();
		}

		Map<String, List<String>> perStream = new HashMap<>();
		for (int i = 0; i < 2 * streams; i++) {
			StreamEvent event = this.tap.next();
			perStream.computeIfAbsent(event.session().stream().value(), k -> new ArrayList<>()).add(event.routingKey());
		}
		assertThat(perStream).hasSize(streams)
			.allSatisfy((stream, keys) -> assertThat(keys).containsExactly("stream.published", "stream.unpublished"));
		assertThat(this.meters.get("gateway.events").tag("outcome", "confirmed").counter().count())
			.isEqualTo(confirmedBefore + 2 * streams);
		assertThat((long) this.meters.get("gateway.publisher.burst").summary().totalAmount())
			.isEqualTo(burstEventsBefore + 2 * streams);
	}

	@Test
	void keepsEveryEventInTheReplayableLogStream() {
		this.hooks.post(hook("on_publish.json"));
		UUID published = this.tap.next().eventId();

		LogStream.awaitEvent(broker, vhost, published);
	}

	private void assertRejected(HttpResponse<String> answer, int status, String error) {
		assertThat(answer.statusCode()).isEqualTo(status);
		assertThat(answer.body()).startsWith("{\"code\":" + status + ",\"error\":\"").contains(error);
	}

	/**
	 * Proves that the hooks posted before made no event, without sleeping: each was
	 * answered only after any event it made was confirmed, so such an event would be
	 * queued ahead of a sentinel posted now.
	 */
	private void assertNothingElseUntilSentinel() {
		String sentinel = "sentinel" + UUID.randomUUID().toString().replace("-", "");
		this.hooks.post(SrsFixtures.with("on_publish.json", Map.of("stream", sentinel, "client_id", "sentinel")));
		StreamEvent next = this.tap.next();
		assertThat(next.session().stream().value()).as("the next event is the sentinel").isEqualTo(sentinel);
	}

	private long publishesAnswered() {
		return this.meters.find("gateway.hooks")
			.tag("action", "on_publish")
			.timers()
			.stream()
			.mapToLong(timer -> timer.count())
			.sum();
	}

	private String hook(String fixture) {
		return SrsFixtures.with(fixture, Map.of("stream", this.key, "client_id", this.clientId));
	}

}
