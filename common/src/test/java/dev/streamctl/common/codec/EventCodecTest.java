package dev.streamctl.common.codec;

import java.time.Instant;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.event.StreamUnpublished;
import org.junit.jupiter.api.Test;

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

}
