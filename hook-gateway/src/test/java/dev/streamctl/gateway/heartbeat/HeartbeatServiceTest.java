package dev.streamctl.gateway.heartbeat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.gateway.delivery.DeliveryOutcome;
import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.support.RecordingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The heartbeat service and the reading of SRS's heartbeat body, built with their
 * constructors around a recording sink.
 */
class HeartbeatServiceTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final TestClock clock = new TestClock();

	private final RecordingSink sink = new RecordingSink();

	private final HeartbeatService service = new HeartbeatService(this.sink, this.clock);

	@Test
	void turnsTheCapturedHeartbeatIntoAnSrsHeartbeatStampedByTheClock() {
		HookOutcome outcome = handle(SrsFixtures.raw("heartbeat_request.json"));

		assertThat(outcome).isEqualTo(HookOutcome.CONFIRMED);
		assertThat(this.sink.events()).singleElement().isInstanceOfSatisfying(SrsHeartbeat.class, event -> {
			assertThat(event.occurredAt()).isEqualTo(TestClock.START);
			assertThat(event.source()).isEqualTo(EventSource.SRS_HOOK);
			assertThat(event.routingKey()).isEqualTo("srs.heartbeat");
			assertThat(event.serverId()).isEqualTo("vid-2703w37");
			assertThat(event.serviceId()).isEqualTo("5kr2b29q");
			assertThat(event.pid()).isEqualTo("19419");
			assertThat(event.deviceId()).isEqualTo("lab-srs-1");
			assertThat(event.ip()).isEqualTo("192.0.2.2");
			assertThat(event.rtmp()).containsExactly("127.0.0.1:19350");
			assertThat(event.http()).containsExactly("127.0.0.1:18080");
			assertThat(event.api()).containsExactly("127.0.0.1:19850");
		});
	}

	@Test
	void answersOnlyOnceItsEventIsSafe() {
		this.sink.hold();
		var answer = this.service.handle(parse(SrsFixtures.raw("heartbeat_request.json")));

		assertThat(this.sink.events()).hasSize(1);
		assertThat(answer).isNotDone();

		this.sink.release(DeliveryOutcome.SPOOLED);

		assertThat(answer).isCompletedWithValue(HookOutcome.SPOOLED);
	}

	@Test
	void countsALostHeartbeatAsLost() {
		this.sink.answerWith(DeliveryOutcome.LOST);

		assertThat(handle(SrsFixtures.raw("heartbeat_request.json"))).isEqualTo(HookOutcome.LOST);
	}

	@Test
	void readsAHeartbeatSentWithoutPortsAsEmptyAddressLists() {
		// what SRS sends with heartbeat { ports off; }: no rtmp, http or api, and a
		// summaries object when summaries are on
		String body = "{\"device_id\":\"\",\"ip\":\"10.0.0.5\",\"server\":\"vid-2703w37\",\"service\":\"5kr2b29q\","
				+ "\"pid\":\"7\",\"summaries\":{\"ok\":true,\"self\":{\"pid\":7}}}";

		handle(body);

		assertThat(this.sink.events()).singleElement().isInstanceOfSatisfying(SrsHeartbeat.class, event -> {
			assertThat(event.api()).isEmpty();
			assertThat(event.rtmp()).isEmpty();
			assertThat(event.http()).isEmpty();
			assertThat(event.deviceId()).isEmpty();
			assertThat(event.ip()).isEqualTo("10.0.0.5");
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			{"server":"vid-1",                                         | body is not valid JSON
			["vid-1","5kr2b29q"]                                       | body must be a JSON object
			{"service":"5kr2b29q","pid":"1"}                           | field 'server' is required for a heartbeat
			{"server":"","service":"5kr2b29q"}                         | field 'server' is required for a heartbeat
			{"server":"vid-1","service":null}                          | field 'service' is required for a heartbeat
			{"server":42,"service":"5kr2b29q"}                         | field 'server' must be a string
			{"server":"vid-1","service":"5kr2b29q","pid":19419}        | field 'pid' must be a string
			{"server":"vid-1","service":"5kr2b29q","api":"1985"}       | field 'api' must be an array of strings
			{"server":"vid-1","service":"5kr2b29q","api":[1985]}       | field 'api' must be an array of strings
			{"server":"vid-1","service":"5kr2b29q","rtmp":[""]}        | field 'rtmp' must be an array of strings
			{"server":"vid-1\\nFAKE","service":"5kr2b29q"}             | field 'server' contains a control character
			""")
	void refusesABadBodyNamingWhatIsWrong(String body, String problem) {
		HookRejectedException rejected = catchThrowableOfType(HookRejectedException.class, () -> parse(body));

		assertThat(rejected).as(body).isNotNull();
		assertThat(rejected.status()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(rejected.outcome()).isEqualTo(HookOutcome.INVALID);
		assertThat(rejected.getMessage()).isEqualTo(problem);
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void refusesOverlongValuesAndTooManyAddresses() {
		String longId = "v".repeat(HeartbeatRequest.MAX_TEXT_LENGTH + 1);
		String manyAddresses = "[" + "\"1935\",".repeat(HeartbeatRequest.MAX_ADDRESSES) + "\"1936\"]";

		assertThat(catchThrowableOfType(HookRejectedException.class,
				() -> parse(SrsFixtures.with("heartbeat_request.json", Map.of("server", longId)))))
			.hasMessage("field 'server' is longer than 256 characters")
			.extracting(HookRejectedException::outcome)
			.isEqualTo(HookOutcome.INVALID);
		assertThat(catchThrowableOfType(HookRejectedException.class,
				() -> parse("{\"server\":\"vid-1\",\"service\":\"s\",\"api\":" + manyAddresses + "}")))
			.hasMessage("field 'api' holds 17 addresses, at most 16");
	}

	@Test
	void logsAServersFirstHeartbeatAndItsRestartsAtInfoAndNothingElse() {
		try (CapturedLogs logs = CapturedLogs.of(HeartbeatService.class)) {
			handle(SrsFixtures.raw("heartbeat_request.json"));
			this.clock.advance(Duration.ofSeconds(9));
			handle(SrsFixtures.raw("heartbeat_request.json"));
			handle(SrsFixtures.with("heartbeat_request.json", Map.of("service", "newrun01", "pid", "20001")));
			handle(SrsFixtures.with("heartbeat_request.json", Map.of("service", "newrun01", "pid", "20001")));
			handle(SrsFixtures.with("heartbeat_request.json", Map.of("server", "vid-other01")));

			assertThat(logs.lines()).containsExactly(
					"INFO Heartbeat of SRS vid-2703w37: service 5kr2b29q, pid 19419, ip 192.0.2.2, API [127.0.0.1:19850]",
					"INFO SRS vid-2703w37 restarted: service newrun01 (pid 20001) follows service 5kr2b29q",
					"INFO Heartbeat of SRS vid-other01: service 5kr2b29q, pid 19419, ip 192.0.2.2, API [127.0.0.1:19850]");
		}
		assertThat(this.sink.events()).hasSize(5);
	}

	private HookOutcome handle(String body) {
		return this.service.handle(parse(body)).join();
	}

	private static HeartbeatRequest parse(String body) {
		return HeartbeatRequest.parse(JSON, body.getBytes(StandardCharsets.UTF_8));
	}

}
