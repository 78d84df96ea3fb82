package dev.streamctl.status.reconcile;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.streamctl.store.Channel;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.store.LiveState;
import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.store.test.InMemoryChannelStore;
import dev.streamctl.srs.test.InMemorySrsApis;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.status.messaging.RecordingSender;
import dev.streamctl.status.servers.ServerRegistry;
import dev.streamctl.srs.SrsServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.AmqpException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler's corrections, one round at a time, against an in-memory store and
 * in-memory SRS servers, with a clock that moves only when told.
 */
class ReconcilerTest {

	private static final Duration LEADER_RENEWAL = Duration.ofMinutes(10);

	private final InMemoryChannelStore store = new InMemoryChannelStore();

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI srsA = this.srs.server("srs-a");

	private final RecordingSender sender = new RecordingSender();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TestClock clock = new TestClock();

	private final TestLeadership leadership = new TestLeadership();

	private final ServerRegistry servers = new ServerRegistry();

	@Test
	void setsOfflineALiveChannelNoSrsLists() {
		String key = newKey();
		this.store.add(key, true, this.clock.instant().minus(Duration.ofMinutes(1)));

		int corrected = reconciler().reconcile();

		assertThat(corrected).isEqualTo(1);
		assertThat(this.sender.sent()).singleElement().satisfies(sent -> {
			assertThat(sent.exchange()).isEqualTo(EventTopology.EXCHANGE);
			assertThat(sent.routingKey()).isEqualTo(StreamUnpublished.ROUTING_KEY);
			assertThat(sent.event()).isInstanceOfSatisfying(StreamUnpublished.class, event -> {
				assertThat(event.reason()).isEqualTo(StreamUnpublished.Reason.GONE);
				assertThat(event.source()).isEqualTo(EventSource.RECONCILER);
				assertThat(event.occurredAt()).isEqualTo(this.clock.instant());
				assertThat(event.session().app()).isEqualTo("live");
				assertThat(event.session().stream().value()).isEqualTo(key);
			});
		});
	}

	@Test
	void correctsARowChangedJustNowAtOnceSinceTheCorrectionWaitsOutTheGraceWhereItIsApplied() {
		this.store.add(newKey(), true, this.clock.instant());

		assertThat(reconciler().reconcile()).isEqualTo(1);
	}

	@Test
	void comparesWithTheStoreAsItIsNowAtEveryRound() {
		String key = newKey();
		Channel channel = this.store.add(key);
		this.srs.publish(this.srsA, "live", key, "c1");
		Reconciler reconciler = reconciler();
		assertThat(reconciler.reconcile()).isEqualTo(1);
		this.store.write(channel, LiveState.ONLINE, this.clock.instant());
		this.clock.advance(Duration.ofSeconds(30));

		assertThat(reconciler.reconcile()).as("live in SRS and in the store").isZero();
		assertThat(this.sender.sent()).hasSize(1);
	}

	@Test
	void readsTheRowsOfEveryListedStreamInOneRead() {
		for (int i = 0; i < 50; i++) {
			String key = newKey();
			this.store.add(key, true, this.clock.instant());
			this.srs.publish(this.srsA, "live", key, "c" + i);
		}

		assertThat(reconciler().reconcile()).isZero();
		assertThat(this.store.reads()).isEqualTo(1);
		assertThat(this.store.lookups()).isZero();
	}

	@Test
	void setsOfflineALiveChannelWhoseRowNeverRecordedAChange() {
		this.store.add(newKey(), true, null);

		assertThat(reconciler().reconcile()).isEqualTo(1);
	}

	@Test
	void setsLiveAStreamSrsPublishesWhoseChannelShowsOffline() {
		String key = newKey();
		this.store.add(key);
		this.srs.publish(this.srsA, "live", key, "c1");

		int corrected = reconciler().reconcile();

		assertThat(corrected).isEqualTo(1);
		assertThat(this.sender.sent()).singleElement().satisfies(sent -> {
			assertThat(sent.exchange()).isEqualTo(EventTopology.EXCHANGE);
			assertThat(sent.routingKey()).isEqualTo(StreamPublished.ROUTING_KEY);
			assertThat(sent.event()).isInstanceOfSatisfying(StreamPublished.class, event -> {
				assertThat(event.source()).isEqualTo(EventSource.RECONCILER);
				assertThat(event.occurredAt()).isEqualTo(this.clock.instant());
				assertThat(event.session().serverId()).isEqualTo("srs-a");
				assertThat(event.session().clientId()).isEqualTo("c1");
				assertThat(event.session().streamId()).startsWith("vid-");
				assertThat(event.session().app()).isEqualTo("live");
				assertThat(event.session().stream().value()).isEqualTo(key);
			});
		});
	}

	@Test
	void leavesAloneChannelsThatAgreeWithSrs() {
		String live = newKey();
		this.store.add(live, true, this.clock.instant().minus(Duration.ofHours(1)));
		this.store.add(newKey());
		this.srs.publish(this.srsA, "live", live, "c1");

		assertThat(reconciler().reconcile()).isZero();
		assertThat(this.sender.sent()).isEmpty();
	}

	@Test
	void countsAStreamOnAnyServerAsActive() {
		URI srsB = this.srs.server("srs-b");
		String live = newKey();
		this.store.add(live, true, this.clock.instant().minus(Duration.ofHours(1)));
		this.srs.publish(srsB, "live", live, "c1");

		assertThat(reconciler().reconcile()).isZero();
	}

	@Test
	void takesAStreamWithoutAnActivePublisherForGone() {
		String key = newKey();
		this.store.add(key, true, this.clock.instant().minus(Duration.ofHours(1)));
		this.srs.idle(this.srsA, "live", key);

		assertThat(reconciler().reconcile()).isEqualTo(1);
		assertThat(this.sender.events()).singleElement().isInstanceOf(StreamUnpublished.class);
	}

	@Test
	void takesOnlyTheConfiguredAppsStreamsForChannels() {
		String offline = newKey();
		String live = newKey();
		this.store.add(offline);
		this.store.add(live, true, this.clock.instant().minus(Duration.ofHours(1)));
		this.srs.publish(this.srsA, "fwd", offline, "c1");
		this.srs.publish(this.srsA, "fwd", live, "c2");

		assertThat(reconciler().reconcile()).isEqualTo(1);
		assertThat(this.sender.events()).singleElement()
			.isInstanceOfSatisfying(StreamUnpublished.class,
					event -> assertThat(event.session().stream().value()).isEqualTo(live));
	}

	@Test
	void ignoresAStreamSrsPublishesWithoutAChannel() {
		this.srs.publish(this.srsA, "live", newKey(), "c1");

		assertThat(reconciler().reconcile()).isZero();
	}

	@Test
	void skipsAStreamWhoseNameIsNoStreamKey() {
		String key = newKey();
		this.store.add(key);
		this.srs.publish(this.srsA, "live", "..", "c1");
		this.srs.publish(this.srsA, "live", key, "c2");

		assertThat(reconciler().reconcile()).isEqualTo(1);
	}

	@Test
	void setsNothingOfflineWhileAnSrsApiCannotBeReadButStillSetsLive() {
		URI srsB = this.srs.server("srs-b");
		String stuck = newKey();
		String missed = newKey();
		this.store.add(stuck, true, this.clock.instant().minus(Duration.ofHours(1)));
		this.store.add(missed);
		this.srs.publish(this.srsA, "live", missed, "c1");
		this.srs.failWith(srsB, "answered 500");

		int corrected = reconciler().reconcile();

		assertThat(corrected).isEqualTo(1);
		assertThat(this.sender.events()).singleElement().isInstanceOf(StreamPublished.class);
		assertThat(runs("partial")).isEqualTo(1);
	}

	@Test
	void setsOfflineOnceEveryApiCanBeReadAgain() {
		URI srsB = this.srs.server("srs-b");
		this.store.add(newKey(), true, this.clock.instant().minus(Duration.ofHours(1)));
		this.srs.failWith(srsB, "answered 500");
		Reconciler reconciler = reconciler();
		reconciler.reconcile();

		this.srs.recover(srsB);

		assertThat(reconciler.reconcile()).isEqualTo(1);
		assertThat(runs("partial")).isEqualTo(1);
		assertThat(runs("complete")).isEqualTo(1);
	}

	@Test
	void countsEachCorrectionByWhatItSet() {
		String offline = newKey();
		this.store.add(offline);
		this.store.add(newKey(), true, null);
		this.srs.publish(this.srsA, "live", offline, "c1");

		reconciler().reconcile();

		assertThat(this.meters.get("status.reconciler.corrections").tag("set", "online").counter().count())
			.isEqualTo(1);
		assertThat(this.meters.get("status.reconciler.corrections").tag("set", "offline").counter().count())
			.isEqualTo(1);
		assertThat(runs("complete")).isEqualTo(1);
	}

	@Test
	void doesNothingOnAnInstanceThatDoesNotLead() {
		this.store.add(newKey(), true, null);
		this.leadership.leader = false;

		reconciler().tick();

		assertThat(this.srs.reads()).isZero();
		assertThat(this.sender.sent()).isEmpty();
		assertThat(this.leadership.renewals).isZero();
	}

	@Test
	void endsARoundTheStoreFailsAndCountsItWithoutThrowing() {
		this.store.failEvery(new DirectoryUnavailableException("the store answered 503", null));
		Reconciler reconciler = reconciler();

		reconciler.tick();

		assertThat(runs("failed")).isEqualTo(1);
		assertThat(this.leadership.renewals).as("a failed round still renews the leadership").isEqualTo(1);
	}

	@Test
	void stopsCorrectingForTheRoundWhenTheBrokerDoesNotConfirm() {
		this.store.add(newKey(), true, null);
		this.store.add(newKey(), true, null);
		this.sender.failNext(new AmqpException("no confirm within 10 s"));

		reconciler().tick();

		assertThat(this.sender.sent()).isEmpty();
		assertThat(runs("failed")).isEqualTo(1);
	}

	@Test
	void renewsTheLeadershipOnlyOnceTheRenewalIntervalIsOver() {
		Reconciler reconciler = reconciler();
		reconciler.tick();
		assertThat(this.leadership.renewals).as("at the first round").isEqualTo(1);

		this.clock.advance(LEADER_RENEWAL);
		reconciler.tick();
		assertThat(this.leadership.renewals).isEqualTo(1);

		this.clock.advance(Duration.ofMillis(1));
		reconciler.tick();
		assertThat(this.leadership.renewals).isEqualTo(2);
	}

	@Test
	void staysOffWithoutAnSrsApi() {
		Reconciler reconciler = reconciler(true, List.of());

		reconciler.start();

		assertThat(reconciler.isRunning()).isFalse();
	}

	@Test
	void staysOffWhenDisabled() {
		Reconciler reconciler = reconciler(false, this.srs.apis());

		reconciler.start();

		assertThat(reconciler.isRunning()).isFalse();
	}

	private Reconciler reconciler() {
		return reconciler(true, this.srs.apis());
	}

	private Reconciler reconciler(boolean enabled, List<URI> apis) {
		ReconcilerSettings settings = new ReconcilerSettings(enabled, Duration.ofSeconds(30), Set.of("live"),
				LEADER_RENEWAL);
		// never started: the tests run the rounds themselves
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		return new Reconciler(new SrsServers(apis, this.srs::list), this.store, this.leadership, this.sender, settings,
				this.servers, scheduler, this.meters, this.clock);
	}

	private double runs(String result) {
		var counter = this.meters.find("status.reconciler.runs").tag("result", result).counter();
		return (counter == null) ? 0 : counter.count();
	}

	private static String newKey() {
		return "r" + UUID.randomUUID().toString().replace("-", "");
	}

	/** Leads when told to, and counts its renewals. */
	private static final class TestLeadership implements Leadership {

		private boolean leader = true;

		private int renewals;

		@Override
		public boolean isLeader() {
			return this.leader;
		}

		@Override
		public void renew() {
			this.renewals++;
		}

	}

}
