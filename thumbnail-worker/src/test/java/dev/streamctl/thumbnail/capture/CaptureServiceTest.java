package dev.streamctl.thumbnail.capture;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.streamctl.store.Channel;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.store.test.InMemoryChannelStore;
import dev.streamctl.store.test.InMemoryChannelDirectory.Call;
import dev.streamctl.srs.test.InMemorySrsApis;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.srs.SrsServers;
import dev.streamctl.srs.SrsServers.Liveness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture service's decisions about jobs and captures, built with its constructor
 * around an in-memory store, locks and SRS servers, a recording settlement and captures
 * that read nothing.
 */
class CaptureServiceTest {

	private static final int LOCK_RETRIES = 2;

	private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

	@TempDir
	Path thumbnails;

	private final InMemoryChannelStore store = new InMemoryChannelStore();

	private final InMemoryStreamLock lock = new InMemoryStreamLock();

	private final RecordingSettlement settlement = new RecordingSettlement();

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI srsA = this.srs.server("srs-a");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TestClock clock = new TestClock();

	private final List<ScriptedCapture> captures = new ArrayList<>();

	private final String key = newKey();

	private final Channel channel = this.store.add(this.key);

	private ThumbnailFiles files;

	private CaptureService service;

	@BeforeEach
	void setUp() {
		this.service = service(true, this.srs.apis());
		this.srs.publish(this.srsA, "live", this.key, "c1");
	}

	@Test
	void startsACaptureForAJobOfAKnownChannelAndHoldsItsJob() {
		CaptureJob job = job(published(T0));

		this.service.requested(job);

		ScriptedCapture capture = onlyCapture();
		assertThat(capture.started()).isTrue();
		assertThat(capture.channel()).isEqualTo(this.channel);
		assertThat(capture.job()).isEqualTo(job);
		assertThat(this.lock.held()).containsExactly(this.channel.publicName());
		assertThat(this.settlement.settled()).as("the job stays unacknowledged while it runs").isEmpty();
		assertThat(this.service.activeCaptures()).isEqualTo(1);
		assertThat(this.meters.get("thumbnail.jobs").tag("outcome", "started").counter().count()).isEqualTo(1);
		assertThat(this.meters.get("thumbnail.captures.active").gauge().value()).isEqualTo(1);
	}

	@Test
	void acknowledgesAJobForAStreamItCapturesAlreadyAsDuplicate() {
		this.service.requested(job(published(T0)));
		CaptureJob repeated = job(published(T0));

		this.service.requested(repeated);

		assertThat(this.captures).hasSize(1);
		assertThat(this.settlement.settled())
			.containsExactly(new RecordingSettlement.Settled("ack duplicate", repeated));
	}

	@Test
	void keepsCapturingWhenARefusedSecondPublisherOfTheStreamCloses() {
		StreamPublished first = published(T0);
		this.service.requested(job(first));
		StreamPublished refused = FixtureEvents.published(this.key, "c2", T0.plusSeconds(5));
		this.service.requested(job(refused));

		this.service.observed(FixtureEvents.closedWithoutUnpublish(this.key, "c2", T0.plusSeconds(6)));

		assertThat(onlyCapture().session()).isEqualTo(first);
		assertThat(onlyCapture().stopped()).isFalse();
		assertThat(this.settlement.hows()).containsExactly("ack duplicate");
	}

	@Test
	void ignoresALateUnpublishOfAnEarlierSession() {
		this.service.requested(job(published(T0)));

		this.service.observed(FixtureEvents.unpublished(this.key, "c0", T0.plusSeconds(1)));

		assertThat(onlyCapture().stopped()).isFalse();
		assertThat(this.settlement.settled()).isEmpty();
	}

	@Test
	void handsTheCaptureToAReconnectSeenBeforeTheOldSessionsUnpublish() {
		this.service.requested(job(published(T0)));
		StreamPublished reconnect = FixtureEvents.published(this.key, "c2", T0.plusSeconds(5));
		this.service.observed(reconnect);

		this.service.observed(FixtureEvents.unpublished(this.key, "c1", T0.plusSeconds(4)));

		assertThat(onlyCapture().session()).isEqualTo(reconnect);
		assertThat(onlyCapture().stopped()).isFalse();
		this.service.observed(FixtureEvents.unpublished(this.key, "c2", T0.plusSeconds(9)));
		assertThat(onlyCapture().stopped()).isTrue();
		assertThat(this.settlement.hows()).containsExactly("ack stopped");
	}

	@Test
	void stopsWhenTheReconcilerFindsTheStreamGone() {
		this.service.requested(job(published(T0)));

		this.service.observed(new StreamUnpublished(1, UUID.randomUUID(), T0.plusSeconds(30), EventSource.RECONCILER,
				new SrsSession("", "", "", "", "", "live", StreamKey.of(this.key), "", ""),
				StreamUnpublished.Reason.GONE));

		assertThat(onlyCapture().stopped()).isTrue();
		assertThat(this.settlement.hows()).containsExactly("ack stopped");
	}

	@Test
	void settlesAJobOfAStreamSrsNoLongerListsWithoutALookupOrACapture() {
		this.srs.unpublish(this.srsA, "live", this.key);

		this.service.requested(job(published(T0)));

		assertThat(this.settlement.hows()).containsExactly("ack ended");
		assertThat(this.store.lookups()).isZero();
		assertThat(this.captures).isEmpty();
		assertThat(this.lock.held()).isEmpty();
	}

	@Test
	void settlesABacklogOfEndedStreamsWithOneSrsReadPerListingAge() {
		CaptureService service = service(true, this.srs.apis(), Duration.ofHours(1));
		this.srs.unpublish(this.srsA, "live", this.key);
		int readsBefore = this.srs.reads();

		for (int i = 0; i < 10_000; i++) {
			service.requested(job(FixtureEvents.published(newKey(), "c" + i, T0)));
		}

		assertThat(this.settlement.hows()).hasSize(10_000).containsOnly("ack ended");
		assertThat(this.srs.reads() - readsBefore).isEqualTo(1);
		assertThat(this.store.lookups()).isZero();
		assertThat(this.captures).isEmpty();
	}

	@Test
	void settlesAnOldJobOfAnOfflineChannelWhenSrsCannotSayWithoutACapture() {
		CaptureService service = service(true, List.of());

		service.requested(job(published(TestClock.START.minus(Duration.ofMinutes(3)))));

		assertThat(this.settlement.hows()).containsExactly("ack stale");
		assertThat(this.captures).isEmpty();
		assertThat(this.lock.held()).isEmpty();
	}

	@Test
	void capturesAnOldJobOfAChannelTheStoreHoldsLive() {
		CaptureService service = service(true, List.of());
		String liveKey = newKey();
		this.store.add(liveKey, true, null);

		service.requested(job(FixtureEvents.published(liveKey, "c1", TestClock.START.minus(Duration.ofMinutes(3)))));

		assertThat(onlyCapture().started()).isTrue();
	}

	@Test
	void capturesAFreshJobOfAnOfflineChannelWhenSrsCannotSay() {
		CaptureService service = service(true, List.of());

		service.requested(job(published(TestClock.START.minusSeconds(5))));

		assertThat(onlyCapture().started()).isTrue();
	}

	@Test
	void takesOverTheRedeliveryOfItsOwnJobWhenTheDeliveryItHeldIsGone() {
		DeliveryChannel first = new DeliveryChannel();
		StreamPublished published = published(T0);
		this.service.requested(new CaptureJob(published, first.channel(), 1, 0));
		first.close();
		CaptureJob redelivered = job(published);

		this.service.requested(redelivered);

		assertThat(this.settlement.settled()).isEmpty();
		assertThat(onlyCapture().job()).isEqualTo(redelivered);
		this.service.observed(FixtureEvents.unpublished(this.key, "c1", T0.plusSeconds(60)));
		assertThat(this.settlement.settled())
			.containsExactly(new RecordingSettlement.Settled("ack stopped", redelivered));
	}

	@Test
	void acknowledgesAJobWhoseStreamNameIsOutsideTheAllowedSetWithoutALookup() {
		this.service.requested(job(FixtureEvents.published("key~with~tilde", "c1", T0)));

		assertThat(this.settlement.hows()).containsExactly("ack invalid");
		assertThat(this.store.lookups()).isZero();
		assertThat(this.captures).isEmpty();
	}

	@Test
	void parksAJobWhoseChannelCannotBeLookedUpNow() {
		this.store.failNext(Call.FIND, new DirectoryUnavailableException("the store answered 503", null));

		this.service.requested(job(published(T0)));

		assertThat(this.settlement.hows()).containsExactly("retry");
		assertThat(this.lock.held()).isEmpty();
		assertThat(this.captures).isEmpty();
	}

	@Test
	void acknowledgesAJobOfAStreamNoChannelHas() {
		String stranger = newKey();
		this.srs.publish(this.srsA, "live", stranger, "c1");

		this.service.requested(job(FixtureEvents.published(stranger, "c1", T0)));

		assertThat(this.settlement.hows()).containsExactly("ack unknown_channel");
		assertThat(this.lock.held()).isEmpty();
		assertThat(this.captures).isEmpty();
	}

	@Test
	void parksAJobWhoseStreamAnotherWorkerCapturesWhileItHasRetriesLeft() {
		this.lock.heldElsewhere(this.channel.publicName());

		this.service.requested(new CaptureJob(published(T0), new DeliveryChannel().channel(), 1, LOCK_RETRIES - 1));

		assertThat(this.settlement.hows()).containsExactly("retry");
		assertThat(this.captures).isEmpty();
	}

	@Test
	void acknowledgesAsDuplicateAJobWhoseStreamAnotherWorkerStillCapturesAfterItsRetries() {
		this.lock.heldElsewhere(this.channel.publicName());

		this.service.requested(new CaptureJob(published(T0), new DeliveryChannel().channel(), 1, LOCK_RETRIES));

		assertThat(this.settlement.hows()).containsExactly("ack duplicate");
		assertThat(this.captures).isEmpty();
	}

	@Test
	void stopsOnAnUnpublishOfTheCapturedSessionAndKeepsTheLastThumbnail() throws Exception {
		CaptureJob job = job(published(T0));
		this.service.requested(job);
		this.files.write(this.channel.publicName(), new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9 });

		this.service.observed(FixtureEvents.unpublished(this.key, "c1", T0.plusSeconds(1)));

		assertThat(onlyCapture().stopped()).isTrue();
		assertThat(this.lock.held()).isEmpty();
		assertThat(this.lock.releases()).containsExactly(this.channel.publicName());
		assertThat(this.settlement.settled()).containsExactly(new RecordingSettlement.Settled("ack stopped", job));
		assertThat(this.service.activeCaptures()).isZero();
		assertThat(this.files.file(this.channel.publicName())).exists();
	}

	@Test
	void deletesTheLastThumbnailOnUnpublishWhenToldNotToKeepIt() throws Exception {
		CaptureService service = service(false, this.srs.apis());
		service.requested(job(published(T0)));
		this.files.write(this.channel.publicName(), new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9 });

		service.observed(FixtureEvents.unpublished(this.key, "c1", T0.plusSeconds(1)));

		assertThat(this.files.file(this.channel.publicName())).doesNotExist();
	}

	@Test
	void ignoresEventsOfStreamsItDoesNotCapture() {
		this.service.requested(job(published(T0)));
		String other = newKey();

		this.service.observed(FixtureEvents.published(other, "c9", T0));
		this.service.observed(FixtureEvents.unpublished(other, "c9", T0.plusSeconds(1)));

		assertThat(onlyCapture().stopped()).isFalse();
		assertThat(this.settlement.settled()).isEmpty();
	}

	@Test
	void handsEveryJobBackAtOnceWhenTheWorkerStops() {
		String otherKey = newKey();
		Channel other = this.store.add(otherKey);
		CaptureJob first = job(published(T0));
		this.srs.publish(this.srsA, "live", otherKey, "c2");
		CaptureJob second = job(FixtureEvents.published(otherKey, "c2", T0));
		this.service.requested(first);
		this.service.requested(second);

		this.service.stop();

		assertThat(this.captures).allSatisfy(capture -> assertThat(capture.stopped()).isTrue());
		assertThat(this.settlement.settled()).containsExactlyInAnyOrder(
				new RecordingSettlement.Settled("requeue", first), new RecordingSettlement.Settled("requeue", second));
		assertThat(this.lock.releases()).containsExactlyInAnyOrder(this.channel.publicName(), other.publicName());
		assertThat(this.service.activeCaptures()).isZero();
	}

	@Test
	void stopsEveryCaptureWithoutSettlingWhenTheBrokerConnectionIsLost() {
		this.service.requested(job(published(T0)));

		this.service.connectionLost();

		assertThat(onlyCapture().stopped()).isTrue();
		assertThat(this.settlement.settled()).as("the jobs went back with the connection").isEmpty();
		assertThat(this.lock.releases()).as("the locks went with the connection").isEmpty();
		assertThat(this.service.activeCaptures()).isZero();

		this.service.requested(job(published(T0)));
		assertThat(this.captures).as("the redelivered job starts a new capture").hasSize(2);
	}

	@Test
	void finishesACaptureThatEndedOnItsOwnWithItsReason() {
		CaptureJob job = job(published(T0));
		this.service.requested(job);
		onlyCapture().endBecause("given_up");

		this.service.watch();

		assertThat(this.settlement.settled()).containsExactly(new RecordingSettlement.Settled("ack given_up", job));
		assertThat(this.lock.releases()).containsExactly(this.channel.publicName());
		assertThat(this.service.activeCaptures()).isZero();
	}

	@Test
	void finishesACaptureWhoseSupervisionEnded() {
		this.service.requested(job(published(T0)));
		onlyCapture().end();

		this.service.watch();

		assertThat(this.settlement.hows()).containsExactly("ack given_up");
		assertThat(this.service.activeCaptures()).isZero();
	}

	@Test
	void checksRunningCapturesForStallsAtTheClocksTime() {
		this.service.requested(job(published(T0)));
		this.service.watch();
		this.clock.advance(Duration.ofSeconds(1));

		this.service.watch();

		assertThat(onlyCapture().watched()).containsExactly(TestClock.START, TestClock.START.plusSeconds(1));
		assertThat(this.settlement.settled()).isEmpty();
	}

	@Test
	void countsTheStalledStreamsOfItsCaptures() {
		this.service.requested(job(published(T0)));
		assertThat(this.meters.get("thumbnail.streams.stalled").gauge().value()).isZero();

		onlyCapture().stall(true);

		assertThat(this.meters.get("thumbnail.streams.stalled").gauge().value()).isEqualTo(1);
		assertThat(onlyCapture().stopped()).as("a stall changes nothing else").isFalse();
	}

	@Test
	void answersWhetherSrsStillListsTheStream() {
		this.service.requested(job(published(T0)));
		assertThat(onlyCapture().asksWhetherTheStreamIsLive()).isEqualTo(Liveness.LIVE);

		this.srs.unpublish(this.srsA, "live", this.key);

		assertThat(onlyCapture().asksWhetherTheStreamIsLive()).isEqualTo(Liveness.GONE);
	}

	@Test
	void neverTakesAStreamForGoneWhileAnSrsApiCannotBeRead() {
		this.service.requested(job(published(T0)));
		this.srs.failWith(this.srsA, "connection refused");

		assertThat(onlyCapture().asksWhetherTheStreamIsLive()).isEqualTo(Liveness.UNKNOWN);
	}

	@Test
	void neverTakesAStreamForGoneWithoutAnSrsApi() {
		CaptureService service = service(true, List.of());
		service.requested(job(published(TestClock.START)));

		assertThat(onlyCapture().asksWhetherTheStreamIsLive()).isEqualTo(Liveness.UNKNOWN);
		assertThat(this.srs.reads()).isZero();
	}

	@Test
	void reportsTheAgeOfTheOldestThumbnailOfItsCaptures() {
		String otherKey = newKey();
		this.store.add(otherKey);
		this.srs.publish(this.srsA, "live", otherKey, "c2");
		this.service.requested(job(published(T0)));
		this.service.requested(job(FixtureEvents.published(otherKey, "c2", T0)));
		assertThat(oldestAge()).as("no thumbnail yet").isZero();

		this.captures.get(0).frameAt(this.clock.instant().minusSeconds(25));
		this.captures.get(1).frameAt(this.clock.instant().minusSeconds(5));
		this.clock.advance(Duration.ofMillis(1500));

		assertThat(oldestAge()).isEqualTo(26.5);
	}

	private CaptureService service(boolean keepLastThumbnail, List<URI> srsApis) {
		return service(keepLastThumbnail, srsApis, Duration.ZERO);
	}

	private CaptureService service(boolean keepLastThumbnail, List<URI> srsApis, Duration listingMaxAge) {
		CaptureSettings settings = new CaptureSettings(this.thumbnails, Duration.ofSeconds(10), 320, 5,
				"http://srs:8080/{app}/{stream}.flv", 16, 1, DataSize.ofMegabytes(4), Duration.ofSeconds(3),
				Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(30), 5,
				keepLastThumbnail, LOCK_RETRIES, Pattern.compile("[A-Za-z0-9._-]{1,255}"), Duration.ofMinutes(2));
		ThumbnailFiles files = new ThumbnailFiles(settings);
		this.files = files;
		// never started: the tests call watch() themselves
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		CaptureMetrics metrics = new CaptureMetrics(this.meters);
		return new CaptureService(this.store, this.lock, this.settlement, files, metrics, settings,
				new SrsServers(srsApis, this.srs::list, listingMaxAge, System::nanoTime), scheduler, this.meters,
				this.clock, this::capture);
	}

	/** The capture the service starts: one that reads nothing. */
	private StreamCapture capture(CaptureJob job, Channel channel, Function<StreamCapture, Liveness> liveness) {
		ScriptedCapture capture = new ScriptedCapture(job, channel, liveness);
		this.captures.add(capture);
		return capture;
	}

	private ScriptedCapture onlyCapture() {
		assertThat(this.captures).hasSize(1);
		return this.captures.get(0);
	}

	private double oldestAge() {
		return this.meters.get("thumbnail.oldest.age").gauge().value();
	}

	private StreamPublished published(Instant at) {
		return FixtureEvents.published(this.key, "c1", at);
	}

	private static CaptureJob job(StreamPublished event) {
		return new CaptureJob(event, new DeliveryChannel().channel(), 1, 0);
	}

	private static String newKey() {
		return "t" + UUID.randomUUID().toString().replace("-", "");
	}

}
