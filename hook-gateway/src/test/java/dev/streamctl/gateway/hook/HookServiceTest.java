package dev.streamctl.gateway.hook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.store.test.InMemoryChannelDirectory;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.gateway.auth.AuthSettings;
import dev.streamctl.gateway.auth.PublishAuthorization;
import dev.streamctl.gateway.delivery.DeliveryOutcome;
import dev.streamctl.gateway.support.RecordingSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The hook service's decisions, built with its constructor around in-memory stand-ins.
 */
class HookServiceTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String key = "k" + UUID.randomUUID().toString().replace("-", "");

	private final TestClock clock = new TestClock();

	private final RecordingSink sink = new RecordingSink();

	private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory();

	private HookService service = service(AuthSettings.Mode.OPEN, 100_000);

	@Test
	void turnsAPublishOfAConfiguredAppIntoStreamPublishedStampedByTheClock() {
		HookOutcome outcome = handle(hook("on_publish.json", "c1"));

		assertThat(outcome).isEqualTo(HookOutcome.CONFIRMED);
		assertThat(this.sink.events()).singleElement().isInstanceOfSatisfying(StreamPublished.class, event -> {
			assertThat(event.occurredAt()).isEqualTo(TestClock.START);
			assertThat(event.source()).isEqualTo(EventSource.SRS_HOOK);
			assertThat(event.session().stream().value()).isEqualTo(this.key);
			assertThat(event.session().clientId()).isEqualTo("c1");
			assertThat(event.session().serverId()).isEqualTo("vid-2703w37");
			assertThat(event.session().serviceId()).isEqualTo("5kr2b29q");
			assertThat(event.session().streamId()).isEqualTo("vid-3204e79");
			assertThat(event.session().app()).isEqualTo("live");
			assertThat(event.session().param()).isEqualTo("?token=abc");
			assertThat(event.session().ip()).isEqualTo("127.0.0.1");
		});
	}

	@Test
	void answersOnlyOnceItsEventIsSafe() {
		this.sink.hold();
		var answer = this.service.handle(hook("on_publish.json", "c1")).toFuture();

		assertThat(this.sink.events()).hasSize(1);
		assertThat(answer).isNotDone();

		this.sink.release(DeliveryOutcome.SPOOLED);

		assertThat(answer).isCompletedWithValue(HookOutcome.SPOOLED);
	}

	@ParameterizedTest
	@CsvSource({ "CONFIRMED, CONFIRMED", "SPOOLED, SPOOLED", "LOST, LOST" })
	void answersWithWhereTheDeliveryPutTheEvent(DeliveryOutcome delivered, HookOutcome answered) {
		this.sink.answerWith(delivered);

		assertThat(handle(hook("on_publish.json", "c1"))).isEqualTo(answered);
		assertThat(handle(hook("on_unpublish.json", "c1"))).isEqualTo(answered);
	}

	@Test
	void ignoresAPublishOfAnotherAppWithoutAskingTheDirectory() {
		this.service = service(AuthSettings.Mode.KNOWN_KEYS, 100_000);

		HookOutcome outcome = handle(parse(SrsFixtures.raw("on_publish_forwarded_copy.json")));

		assertThat(outcome).isEqualTo(HookOutcome.IGNORED);
		assertThat(this.sink.events()).isEmpty();
		assertThat(this.directory.lookups()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "a/b", "..", "key;rm -rf", "key$(id)", "tab\tkey", "ünicode" })
	void refusesAnUnsafeStreamNameWithoutEchoingIt(String unsafe) {
		HookRejectedException refused = refusal(hook("on_publish.json", Map.of("stream", unsafe, "client_id", "c1")));

		assertThat(refused.status()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(refused.outcome()).isEqualTo(HookOutcome.REFUSED);
		assertThat(refused.getMessage()).startsWith("stream name").doesNotContain(unsafe);
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void refusesAStreamNameLongerThanTheLimit() {
		HookRejectedException refused = refusal(
				hook("on_publish.json", Map.of("stream", "k".repeat(129), "client_id", "c1")));

		assertThat(refused.outcome()).isEqualTo(HookOutcome.REFUSED);
		assertThat(refused.getMessage()).contains("at most 128").doesNotContain("k".repeat(129));
		assertThat(handle(hook("on_publish.json", Map.of("stream", "k".repeat(128), "client_id", "c1"))))
			.isEqualTo(HookOutcome.CONFIRMED);
	}

	@Test
	void refusesAKeyTheAuthorizationDoesNotLetInAndRemembersNoSession() {
		this.service = service(AuthSettings.Mode.KNOWN_KEYS, 100_000);

		HookRejectedException refused = refusal(hook("on_publish.json", "c1"));

		assertThat(refused.status()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(refused.outcome()).isEqualTo(HookOutcome.REFUSED);
		assertThat(refused.getMessage()).isEqualTo("publish refused");
		assertThat(handle(hook("on_close.json", "c1"))).as("no session to end").isEqualTo(HookOutcome.IGNORED);
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void letsAKnownKeyPublishInKnownKeysMode() {
		this.service = service(AuthSettings.Mode.KNOWN_KEYS, 100_000);
		this.directory.add(this.key);

		assertThat(handle(hook("on_publish.json", "c1"))).isEqualTo(HookOutcome.CONFIRMED);
		assertThat(this.sink.events()).singleElement().isInstanceOf(StreamPublished.class);
	}

	@Test
	void turnsAnUnpublishIntoStreamUnpublishedOfThatSession() {
		HookOutcome outcome = handle(hook("on_unpublish.json", "c1"));

		assertThat(outcome).isEqualTo(HookOutcome.CONFIRMED);
		assertThat(this.sink.events()).singleElement().isInstanceOfSatisfying(StreamUnpublished.class, event -> {
			assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.UNPUBLISHED);
			assertThat(event.occurredAt()).isEqualTo(TestClock.START);
			assertThat(event.session().stream().value()).isEqualTo(this.key);
			assertThat(event.session().clientId()).isEqualTo("c1");
		});
	}

	@Test
	void ignoresAnUnpublishOfAnotherApp() {
		HookOutcome outcome = handle(
				hook("on_unpublish.json", Map.of("stream", this.key, "client_id", "c1", "app", "fwd")));

		assertThat(outcome).isEqualTo(HookOutcome.IGNORED);
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void ignoresAnUnpublishOfANameThatIsNoStreamKeyAndLogsNoName() {
		try (CapturedLogs logs = CapturedLogs.of(HookService.class)) {
			HookOutcome outcome = handle(hook("on_unpublish.json", Map.of("stream", "a/b", "client_id", "c1")));

			assertThat(outcome).isEqualTo(HookOutcome.IGNORED);
			assertThat(logs.all()).contains("Ignoring on_unpublish of client c1").doesNotContain("a/b");
		}
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void turnsAPublishersCloseWithoutUnpublishIntoAnUnpublishOfItsSession() {
		handle(hook("on_publish.json", "c1"));
		this.clock.advance(Duration.ofSeconds(3));

		HookOutcome outcome = handle(hook("on_close.json", "c1"));

		assertThat(outcome).isEqualTo(HookOutcome.CONFIRMED);
		StreamEvent published = (StreamEvent) this.sink.events().get(0);
		assertThat(this.sink.events()).hasSize(2).last().isInstanceOfSatisfying(StreamUnpublished.class, event -> {
			assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH);
			assertThat(event.session()).isEqualTo(published.session());
			assertThat(event.occurredAt()).isEqualTo(TestClock.START.plusSeconds(3));
		});
	}

	@Test
	void ignoresTheCloseThatFollowsAnUnpublish() {
		handle(hook("on_publish.json", "c1"));
		handle(hook("on_unpublish.json", "c1"));

		assertThat(handle(hook("on_close.json", "c1"))).isEqualTo(HookOutcome.IGNORED);
		assertThat(this.sink.events()).hasSize(2);
	}

	@Test
	void ignoresTheCloseOfAClientThatNeverPublished() {
		handle(hook("on_publish.json", "c1"));

		assertThat(handle(parse(SrsFixtures.raw("on_close_player.json")))).isEqualTo(HookOutcome.IGNORED);
		assertThat(this.sink.events()).hasSize(1);
	}

	@Test
	void tellsTheSessionsOfTwoServersApart() {
		handle(hook("on_publish.json", Map.of("stream", this.key, "client_id", "c1", "server_id", "srs-a")));

		assertThat(handle(hook("on_close.json", Map.of("client_id", "c1", "server_id", "srs-b"))))
			.isEqualTo(HookOutcome.IGNORED);
		assertThat(handle(hook("on_close.json", Map.of("client_id", "c1", "server_id", "srs-a"))))
			.isEqualTo(HookOutcome.CONFIRMED);
	}

	@Test
	void forgetsTheOldestSessionsPastTheLimit() {
		this.service = service(AuthSettings.Mode.OPEN, 2);
		handle(hook("on_publish.json", "c1"));
		handle(hook("on_publish.json", "c2"));
		handle(hook("on_publish.json", "c3"));

		assertThat(handle(hook("on_close.json", "c1"))).isEqualTo(HookOutcome.IGNORED);
		assertThat(handle(hook("on_close.json", "c2"))).isEqualTo(HookOutcome.CONFIRMED);
		assertThat(handle(hook("on_close.json", "c3"))).isEqualTo(HookOutcome.CONFIRMED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "on_connect.json", "on_play.json", "on_stop.json", "on_play_http_flv.json",
			"on_stop_http_flv.json", "on_dvr.json", "on_hls.json" })
	void ignoresEveryOtherHook(String fixture) {
		assertThat(handle(parse(SrsFixtures.raw(fixture)))).isEqualTo(HookOutcome.IGNORED);
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void logsEveryEventWithTheKeyAndTokenMasked() {
		String token = "tok" + UUID.randomUUID();
		Map<String, String> fields = Map.of("stream", this.key, "client_id", "c1", "param", "?token=" + token);
		try (CapturedLogs logs = CapturedLogs.of(HookService.class)) {
			handle(hook("on_publish.json", fields));
			handle(hook("on_unpublish.json", fields));
			handle(hook("on_publish.json", Map.of("stream", this.key, "client_id", "c2")));
			handle(hook("on_close.json", "c2"));

			assertThat(logs.lines()).hasSize(4);
			assertThat(logs.all()).contains(this.key.substring(0, 3) + "***").doesNotContain(this.key, token);
		}
	}

	private HookOutcome handle(HookRequest hook) {
		HookOutcome outcome = this.service.handle(hook).block();
		assertThat(outcome).isNotNull();
		return outcome;
	}

	private HookRejectedException refusal(HookRequest hook) {
		Mono<HookOutcome> answer = this.service.handle(hook);
		HookRejectedException refused = catchThrowableOfType(HookRejectedException.class, answer::block);
		assertThat(refused).as("refused").isNotNull();
		return refused;
	}

	private HookRequest hook(String fixture, String clientId) {
		return hook(fixture, Map.of("stream", this.key, "client_id", clientId));
	}

	private static HookRequest hook(String fixture, Map<String, String> fields) {
		return parse(SrsFixtures.with(fixture, new HashMap<>(fields)));
	}

	private static HookRequest parse(String body) {
		return HookRequest.parse(JSON, body.getBytes(StandardCharsets.UTF_8));
	}

	private HookService service(AuthSettings.Mode mode, int maxTrackedSessions) {
		HookSettings settings = new HookSettings(Set.of("live"), "", Pattern.compile("[A-Za-z0-9._~-]+"), 128,
				DataSize.ofKilobytes(64), maxTrackedSessions);
		AuthSettings auth = new AuthSettings(mode, AuthSettings.FailureMode.FAIL_OPEN, Duration.ofMillis(500),
				Duration.ZERO, 10, Duration.ofMinutes(1));
		PublishAuthorization authorization = new PublishAuthorization(this.directory, auth, new SimpleMeterRegistry(),
				this.clock);
		return new HookService(settings, new StreamNamePolicy(settings), new PublisherSessions(settings), this.sink,
				authorization, this.clock);
	}

}
