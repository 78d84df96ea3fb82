package dev.streamctl.gateway.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.test.FixtureEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spool keeps each stream's events in order, and each SRS server's heartbeats in a
 * lane of their own that no stream key can name; the spool the gateway builds finds both
 * again after a restart.
 */
class SpoolLanesTest {

	private final EventCodec codec = new EventCodec();

	@TempDir
	Path directory;

	@Test
	void putsAStreamEventInItsStreamsLaneAndAHeartbeatInItsServersLane() {
		StreamPublished published = FixtureEvents.published("key1", "c1", Instant.now());
		SrsHeartbeat heartbeat = FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q", Instant.now());

		assertThat(EventDelivery.lane(published)).isEqualTo("key1");
		assertThat(EventDelivery.lane(heartbeat)).isEqualTo("srs/vid-2703w37").contains("/");
	}

	@Test
	void resumesSpooledHeartbeatsAndStreamEventsInTheirLanesAfterARestart() {
		StreamPublished published = FixtureEvents.published("key1", "c1", Instant.now());
		SrsHeartbeat heartbeat = FixtureEvents.heartbeat("vid-2703w37", "5kr2b29q", Instant.now());
		EventSpool spool = spool();
		spool.append(published.eventId(), EventDelivery.lane(published), this.codec.encode(published));
		spool.append(heartbeat.eventId(), EventDelivery.lane(heartbeat), this.codec.encode(heartbeat));

		EventSpool resumed = spool();

		assertThat(resumed.holds("key1")).isTrue();
		assertThat(resumed.holds("srs/vid-2703w37")).isTrue();
		assertThat(resumed.oldest(10)).extracting(EventSpool.Entry::eventId)
			.containsExactly(published.eventId(), heartbeat.eventId());
	}

	private EventSpool spool() {
		DeliverySettings settings = new DeliverySettings(Duration.ofMillis(50), this.directory, DataSize.ofMegabytes(1),
				1, 200, Duration.ofMillis(200), Duration.ofSeconds(30), "7D");
		return new DeliveryConfiguration().eventSpool(settings, this.codec, new SimpleMeterRegistry());
	}

}
