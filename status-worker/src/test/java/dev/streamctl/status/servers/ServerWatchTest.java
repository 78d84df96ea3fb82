package dev.streamctl.status.servers;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.srs.test.InMemorySrsApis;
import dev.streamctl.status.messaging.RecordingSender;
import dev.streamctl.status.reconcile.Leadership;
import dev.streamctl.status.reconcile.ReconcilerSettings;
import dev.streamctl.srs.SrsServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the leader sets offline when an SRS restarts or goes silent, one check at a time,
 * with what {@link ServerRegistry} learnt from heartbeats and events, in-memory SRS APIs
 * and a clock that moves only when told.
 */
class ServerWatchTest {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private final TestClock clock = new TestClock();

	private final ServerRegistry servers = new ServerRegistry();

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI apiA = this.srs.server("srs-a");

	private final RecordingSender sender = new RecordingSender();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private boolean leader = true;

	@Test
	void setsOfflineAtOnceTheStreamsOfARestartedServerNotPublishedAgainOnItsNewRun() {
		heartbeat("srs-a", "run1");
		String gone = newKey();
		String back = newKey();
		String elsewhere = newKey();
		published("srs-a", "run1", gone);
		published("srs-a", "run1", back);
		published("srs-b", "runB", elsewhere);
		this.clock.advance(Duration.ofSeconds(3));
		published("srs-a", "run2", back);
		heartbeat("srs-a", "run2");

		int corrected = watch().check();

		assertThat(corrected).isEqualTo(1);
		assertThat(this.sender.events()).singleElement().isInstanceOfSatisfying(StreamUnpublished.class, event -> {
			assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.SERVER_RESTARTED);
			assertThat(event.source()).isEqualTo(EventSource.RECONCILER);
			assertThat(event.session().serverId()).isEqualTo("srs-a");
			assertThat(event.session().stream().value()).isEqualTo(gone);
			assertThat(event.occurredAt()).isEqualTo(this.clock.instant());
		});
		assertThat(watch().check()).as("a restart is handled once").isZero();
	}

	@Test
	void leavesAloneAStreamOfARestartedServerThatAnSrsApiListsAsPublishing() {
		heartbeat("srs-a", "run1");
		String key = newKey();
		published("srs-a", "run1", key);
		this.srs.publish(this.apiA, "live", key, "c9");
		heartbeat("srs-a", "run2");

		assertThat(watch().check()).isZero();
	}

	@Test
	void takesTheFirstHeartbeatOfAServerForNoRestart() {
		published("srs-a", "run1", newKey());
		heartbeat("srs-a", "run2");

		assertThat(watch().check()).isZero();
	}

	@Test
	void setsOfflineTheStreamsOfAServerSilentForThreeIntervalsWhoseApiListsNothingOfThem() {
		heartbeat("srs-a", "run1");
		heartbeat("srs-b", "runB");
		String onA = newKey();
		String onB = newKey();
		published("srs-a", "run1", onA);
		published("srs-b", "runB", onB);
		this.srs.failWith(this.apiA, "connection refused");
		ServerWatch watch = watch();
		this.clock.advance(INTERVAL.multipliedBy(3));
		heartbeat("srs-b", "runB");
		assertThat(watch.check()).as("exactly three intervals").isZero();

		this.clock.advance(Duration.ofMillis(1));
		int corrected = watch.check();

		assertThat(corrected).isEqualTo(1);
		assertThat(this.sender.events()).singleElement().isInstanceOfSatisfying(StreamUnpublished.class, event -> {
			assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.SERVER_GONE);
			assertThat(event.session().stream().value()).isEqualTo(onA);
		});
		assertThat(watch.check()).as("reported once until it is heard again").isZero();
	}

	@Test
	void leavesAloneTheStreamsOfASilentServerItsApiStillLists() {
		heartbeat("srs-a", "run1");
		String key = newKey();
		published("srs-a", "run1", key);
		this.srs.publish(this.apiA, "live", key, "c1");
		this.clock.advance(INTERVAL.multipliedBy(4));

		assertThat(watch().check()).isZero();
	}

	@Test
	void forgetsAStreamOnceItIsUnpublished() {
		heartbeat("srs-a", "run1");
		String key = newKey();
		published("srs-a", "run1", key);
		this.clock.advance(Duration.ofSeconds(1));
		record(new StreamUnpublished(1, UUID.randomUUID(), this.clock.instant(), EventSource.SRS_HOOK,
				session("srs-a", "run1", key), StreamUnpublished.Reason.UNPUBLISHED));
		heartbeat("srs-a", "run2");

		assertThat(watch().check()).isZero();
	}

	@Test
	void knowsTheStreamsTheReconcilerFoundOnAServerAsThoseOfItsCurrentRun() {
		heartbeat("srs-a", "run1");
		String key = newKey();
		this.servers.listed("srs-a", List.of(StreamKey.of(key)), this.clock.instant());
		this.clock.advance(Duration.ofSeconds(5));
		heartbeat("srs-a", "run2");

		assertThat(watch().check()).isEqualTo(1);
	}

	@Test
	void neverDetectsASilentServerWhenGoneDetectionIsOff() {
		heartbeat("srs-a", "run1");
		published("srs-a", "run1", newKey());
		this.srs.failWith(this.apiA, "connection refused");
		this.clock.advance(Duration.ofMinutes(5));

		assertThat(watch(false).check()).isZero();
	}

	@Test
	void doesNothingOnAnInstanceThatDoesNotLeadAndKeepsNoRestartForLater() {
		heartbeat("srs-a", "run1");
		published("srs-a", "run1", newKey());
		heartbeat("srs-a", "run2");
		this.leader = false;
		ServerWatch watch = watch();

		assertThat(watch.check()).isZero();
		this.leader = true;
		assertThat(watch.check()).isZero();
		assertThat(this.srs.reads()).isZero();
	}

	private ServerWatch watch() {
		return watch(true);
	}

	private ServerWatch watch(boolean goneDetection) {
		Leadership leadership = new Leadership() {

			@Override
			public boolean isLeader() {
				return ServerWatchTest.this.leader;
			}

			@Override
			public void renew() {
			}

		};
		return new ServerWatch(this.servers, new SrsServers(this.srs.apis(), this.srs::list), leadership, this.sender,
				new ServerSettings(goneDetection, INTERVAL, 3, Duration.ofSeconds(1)),
				new ReconcilerSettings(true, Duration.ofSeconds(30), Set.of("live"), Duration.ofMinutes(10)),
				new ThreadPoolTaskScheduler(), this.meters, this.clock);
	}

	private void heartbeat(String serverId, String serviceId) {
		this.servers.heartbeat(FixtureEvents.heartbeat(serverId, serviceId, this.clock.instant()));
	}

	private void published(String serverId, String serviceId, String key) {
		record(new StreamPublished(1, UUID.randomUUID(), this.clock.instant(), EventSource.SRS_HOOK,
				session(serverId, serviceId, key)));
	}

	private void record(StreamEvent event) {
		if (event instanceof StreamPublished published) {
			this.servers.published(published);
		}
		else if (event instanceof StreamUnpublished unpublished) {
			this.servers.unpublished(unpublished);
		}
	}

	private static SrsSession session(String serverId, String serviceId, String key) {
		return new SrsSession(serverId, serviceId, "c" + key.substring(1, 7), "vid-1", "__defaultVhost__", "live",
				StreamKey.of(key), "", "127.0.0.1");
	}

	private static String newKey() {
		return "s" + UUID.randomUUID().toString().replace("-", "");
	}

}
