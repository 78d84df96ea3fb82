package dev.streamctl.common.codec;

import java.time.Instant;
import java.util.List;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.FixtureEvents;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventCodecTest {

	private final EventCodec codec = new EventCodec();

	private final SrsSession session = new SrsSession("vid-2703w37", "5kr2b29q", "yl4n3ijj", "vid-3204e79",
			"__defaultVhost__", "live", StreamKey.of("secretKey123"), "?token=abc", "127.0.0.1");

	@Test
	void roundTripsEveryEventType() {
		var published = StreamPublished.of(Instant.parse("2026-11-24T10:15:30.123Z"), EventSource.SRS_HOOK,
				this.session);
		var unpublished = StreamUnpublished.of(Instant.now(), EventSource.RECONCILER, this.session,
				StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH);

		var stalled = StreamStalled.of(Instant.parse("2026-11-24T10:16:00Z"), this.session,
				Instant.parse("2026-11-24T10:15:40.250Z"));
		var resumed = StreamResumed.of(Instant.parse("2026-11-24T10:16:30Z"), this.session,
				Instant.parse("2026-11-24T10:16:00Z"));

		for (StreamEvent event : new StreamEvent[] { published, unpublished, stalled, resumed, stalled.replayed(),
				resumed.replayed() }) {
			assertThat(this.codec.decode(this.codec.encode(event))).isEqualTo(event);
		}
	}

	@Test
	void writesStallEventsAsTheThumbnailWorkersWithTheirOwnTimes() {
		var stalled = StreamStalled.of(Instant.parse("2026-11-24T10:16:00Z"), this.session,
				Instant.parse("2026-11-24T10:15:40.250Z"));
		var resumed = StreamResumed.of(Instant.parse("2026-11-24T10:16:30Z"), this.session, stalled.occurredAt());

		assertThat(new String(this.codec.encode(stalled))).contains("\"type\":\"stream.stalled\"")
			.contains("\"source\":\"thumbnail-worker\"")
			.contains("\"lastVideoAt\":\"2026-11-24T10:15:40.250Z\"")
			.doesNotContain("routingKey")
			.doesNotContain("changesLiveState");
		assertThat(new String(this.codec.encode(resumed))).contains("\"type\":\"stream.resumed\"")
			.contains("\"source\":\"thumbnail-worker\"")
			.contains("\"stalledAt\":\"2026-11-24T10:16:00Z\"");
		assertThat(stalled.routingKey()).isEqualTo("stream.stalled");
		assertThat(resumed.routingKey()).isEqualTo("stream.resumed");
	}

	@Test
	void onlyPublishAndUnpublishChangeWhetherAStreamIsLive() {
		Instant now = Instant.now();

		assertThat(StreamPublished.of(now, EventSource.SRS_HOOK, this.session).changesLiveState()).isTrue();
		assertThat(StreamUnpublished.of(now, EventSource.SRS_HOOK, this.session, StreamUnpublished.Reason.UNPUBLISHED)
			.changesLiveState()).isTrue();
		assertThat(StreamStalled.of(now, this.session, now).changesLiveState()).isFalse();
		assertThat(StreamResumed.of(now, this.session, now).changesLiveState()).isFalse();
	}

	@Test
	void rejectsAStallEventWithoutItsTime() {
		String json = new String(this.codec.encode(StreamStalled.of(Instant.now(), this.session, Instant.now())))
			.replaceAll(",?\"lastVideoAt\":\"[^\"]*\"", "");

		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> this.codec.decode(json.getBytes()))
			.withMessageContaining("lastVideoAt");
	}

	@Test
	void writesTheRoutingKeyAsTypeAndInstantsAsIsoText() {
		var published = StreamPublished.of(Instant.parse("2026-11-24T10:15:30.123Z"), EventSource.SRS_HOOK,
				this.session);

		String json = new String(this.codec.encode(published));

		assertThat(json).contains("\"type\":\"stream.published\"")
			.contains("\"occurredAt\":\"2026-11-24T10:15:30.123Z\"")
			.contains("\"source\":\"srs-hook\"")
			.doesNotContain("routingKey");
	}

	@Test
	void rejectsAnUnknownSchemaVersionNamingIt() {
		String json = new String(
				this.codec.encode(StreamPublished.of(Instant.now(), EventSource.SRS_HOOK, this.session)))
			.replace("\"schemaVersion\":1", "\"schemaVersion\":9");

		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> this.codec.decode(json.getBytes()))
			.withMessageContaining("unsupported schemaVersion 9");
	}

	@Test
	void rejectsAnEventWithoutSessionOrOfUnknownType() {
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> this.codec.decode(
				"{\"type\":\"stream.published\",\"schemaVersion\":1,\"eventId\":\"4f1c2b7e-9a53-4d0e-8c1e-2f6a4b8d9e01\",\"occurredAt\":\"2026-11-24T10:15:30Z\",\"source\":\"srs-hook\"}"
					.getBytes()))
			.withMessageContaining("session");
		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> this.codec.decode("{\"type\":\"stream.exploded\"}".getBytes()));
		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> this.codec.decode("not json".getBytes()));
	}

	@Test
	void rejectsAnUnsafeStreamKeyInsideAnEvent() {
		String json = new String(
				this.codec.encode(StreamPublished.of(Instant.now(), EventSource.SRS_HOOK, this.session)))
			.replace("secretKey123", "../../etc");

		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> this.codec.decode(json.getBytes()))
			.withMessageContaining("path separator");
	}

	@Test
	void roundTripsTheHeartbeatOfTheCapturedSrsBody() {
		SrsHeartbeat heartbeat = FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q",
				Instant.parse("2026-11-24T10:15:39.004Z"));

		byte[] json = this.codec.encode(heartbeat);

		assertThat(this.codec.decode(json, SrsEvent.class)).isEqualTo(heartbeat);
		assertThat(this.codec.decode(json, SrsHeartbeat.class)).isEqualTo(heartbeat);
		JsonNode written = JsonMapper.builder().build().readTree(json);
		assertThat(written.get("type").asString()).isEqualTo("srs.heartbeat").isEqualTo(heartbeat.routingKey());
		assertThat(written.get("source").asString()).isEqualTo("srs-hook");
		assertThat(written.get("occurredAt").asString()).isEqualTo("2026-11-24T10:15:39.004Z");
		assertThat(written.get("serverId").asString()).isEqualTo("vid-2703w37");
		assertThat(written.get("serviceId").asString()).isEqualTo("5kr2b29q");
		assertThat(written.get("pid").asString()).isEqualTo("19419");
		assertThat(written.get("deviceId").asString()).isEqualTo("lab-srs-1");
		assertThat(written.get("ip").asString()).isEqualTo("192.0.2.2");
		assertThat(written.get("api").get(0).asString()).isEqualTo("127.0.0.1:19850");
		assertThat(written.has("routingKey")).isFalse();
	}

	@Test
	void readsEveryEventOfTheExchangeAsAnSrsEvent() {
		Instant now = Instant.now();
		List<SrsEvent> events = List.of(StreamPublished.of(now, EventSource.SRS_HOOK, this.session),
				StreamUnpublished.of(now, EventSource.SRS_HOOK, this.session, StreamUnpublished.Reason.UNPUBLISHED),
				StreamStalled.of(now, this.session, now), StreamResumed.of(now, this.session, now),
				FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q", now));

		for (SrsEvent event : events) {
			assertThat(this.codec.decode(this.codec.encode(event), SrsEvent.class)).isEqualTo(event);
		}
	}

	@Test
	void writesAHeartbeatWithoutPortsWithEmptyAddressLists() {
		SrsHeartbeat heartbeat = SrsHeartbeat.of(Instant.now(), "vid-2703w37", "5kr2b29q", "", "", "", List.of(),
				List.of(), List.of());

		assertThat(new String(this.codec.encode(heartbeat))).contains("\"api\":[]").contains("\"pid\":\"\"");
		assertThat(this.codec.decode(this.codec.encode(heartbeat), SrsEvent.class)).isEqualTo(heartbeat);
	}

	@Test
	void refusesAHeartbeatWhereAStreamEventIsExpected() {
		byte[] heartbeat = this.codec.encode(FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q", Instant.now()));

		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(() -> this.codec.decode(heartbeat))
			.withMessageStartingWith("not a valid stream event")
			.withMessageContaining("srs.heartbeat");
	}

	@Test
	void refusesAHeartbeatWithoutServerOrServiceNamingTheField() {
		String json = new String(this.codec.encode(FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q", Instant.now())));

		assertThatExceptionOfType(MalformedEventException.class)
			.isThrownBy(() -> this.codec.decode(json.replace("\"vid-2703w37\"", "\"\"").getBytes(), SrsEvent.class))
			.withMessageContaining("serverId is required");
		assertThatExceptionOfType(MalformedEventException.class).isThrownBy(
				() -> this.codec.decode(json.replaceAll(",?\"serviceId\":\"[^\"]*\"", "").getBytes(), SrsEvent.class))
			.withMessageContaining("serviceId");
	}

}
