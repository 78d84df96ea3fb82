package dev.streamctl.status.apply;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.store.Channel;
import dev.streamctl.store.DirectoryRejectedException;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.WriteResult;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.store.test.InMemoryChannelDirectory;
import dev.streamctl.store.test.InMemoryChannelDirectory.Call;
import dev.streamctl.store.test.InMemoryChannelDirectory.Write;
import dev.streamctl.srs.SrsServers;
import dev.streamctl.srs.test.InMemorySrsApis;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.status.messaging.RecordingSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.AmqpException;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * How the status service settles each event of a batch, built with its constructor around
 * an in-memory store, in-memory SRS servers, a recording sender and a clock that its
 * pauses move instead of sleeping.
 */
class StatusServiceTest {

	private static final Duration BACKOFF = Duration.ofSeconds(1);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

	private static final Duration RETRY_FOR = Duration.ofMinutes(1);

	private static final Duration GRACE = Duration.ofSeconds(5);

	private final Instant t0 = Instant.parse("2026-01-05T09:00:00Z");

	private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory();

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI srsApi = this.srs.server("srs-a");

	private final RecordingSender sender = new RecordingSender();

	private final StoreHealth health = new StoreHealth();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TestClock clock = new TestClock();

	private final List<Duration> pauses = new ArrayList<>();

	private Runnable duringPause = () -> {
	};

	private boolean stopping;

	private final String key = newKey();

	private final Channel channel = this.directory.add(this.key);

	@Test
	void setsAChannelOnlineWithItsCoverForAPublish() {
		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(stored()).isEqualTo(new Channel(this.channel.id(), this.channel.streamKey(), true, this.t0));
		assertThat(this.directory.cover(this.channel.id())).isEqualTo(this.channel.cover());
	}

	@Test
	void setsAChannelOfflineAndKeepsItsCoverForAnUnpublish() {
		StatusService service = service();
		service.apply(List.of(in(1, published(this.key, this.t0))));

		Map<Long, Outcome> outcomes = service.apply(List.of(in(2, unpublished(this.key, this.t0.plusSeconds(5)))));

		assertThat(outcomes).containsExactly(entry(2L, Outcome.APPLIED));
		assertThat(stored().live()).isFalse();
		assertThat(stored().modified()).isEqualTo(this.t0.plusSeconds(5));
		assertThat(this.directory.cover(this.channel.id())).isEqualTo(this.channel.cover());
	}

	@Test
	void acknowledgesALateUnpublishOfAnOlderSessionAsStale() {
		StatusService service = service();
		service.apply(List.of(in(1, published(this.key, this.t0.plusSeconds(20)))));

		Map<Long, Outcome> outcomes = service.apply(List.of(in(2, unpublished(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(2L, Outcome.STALE));
		assertThat(stored().live()).isTrue();
		assertThat(stored().modified()).isEqualTo(this.t0.plusSeconds(20));
	}

	@Test
	void acknowledgesARepeatedDeliveryAsDuplicate() {
		StatusService service = service();
		StreamPublished published = published(this.key, this.t0);
		service.apply(List.of(in(1, published)));

		Map<Long, Outcome> outcomes = service.apply(List.of(in(2, published)));

		assertThat(outcomes).containsExactly(entry(2L, Outcome.DUPLICATE));
		assertThat(stored().live()).isTrue();
	}

	@Test
	void settlesAnEventDeliveredTwiceInOneBatchOnceAndTheCopyAsDuplicate() {
		StreamPublished published = published(this.key, this.t0);

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published), in(2, published)));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.DUPLICATE));
		assertThat(this.directory.writes()).hasSize(1);
	}

	@Test
	void collapsesTheEventsOfOneStreamInABatchToTheLatest() {
		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, unpublished(this.key, this.t0.plusSeconds(10))),
					in(3, published(this.key, this.t0.plusSeconds(11)))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.COLLAPSED), entry(2L, Outcome.COLLAPSED),
				entry(3L, Outcome.APPLIED));
		assertThat(this.directory.writes()).singleElement()
			.satisfies(write -> assertThat(write.at()).isEqualTo(this.t0.plusSeconds(11)));
	}

	@Test
	void collapsesAnEarlierEventThatArrivesAfterALaterOne() {
		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0.plusSeconds(11))),
				in(2, unpublished(this.key, this.t0.plusSeconds(10)))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.COLLAPSED));
		assertThat(stored().live()).isTrue();
	}

	@Test
	void writesEachStreamOfABatch() {
		String other = newKey();
		Channel otherChannel = this.directory.add(other);

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, published(other, this.t0))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.APPLIED));
		assertThat(stored().live()).isTrue();
		assertThat(this.directory.channel(otherChannel.id()).live()).isTrue();
	}

	@Test
	void acknowledgesAnUnknownStreamKeyWithoutWritingAndLogsItMasked() {
		String unknown = newKey();
		try (CapturedLogs logs = CapturedLogs.of(StatusService.class)) {
			Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(unknown, this.t0))));

			assertThat(outcomes).containsExactly(entry(1L, Outcome.UNKNOWN_CHANNEL));
			assertThat(logs.all()).contains(unknown.substring(0, 3) + "***").doesNotContain(unknown);
		}
		assertThat(this.directory.writes()).isEmpty();
	}

	@Test
	void acknowledgesAnEventOfAChannelDeletedMeanwhileAsGone() {
		this.directory.removeBehindLookups(this.channel.id());

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.GONE));
	}

	@Test
	void sendsAnUnpublishToWaitOutTheReconnectGraceWithoutWriting() {
		StreamEvent unpublished = unpublished(this.key, this.t0);

		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(in(1, unpublished)));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DELAYED));
		assertThat(this.sender.sent())
			.containsExactly(new RecordingSender.Sent("", StatusTopology.graceQueue(GRACE.toMillis()), unpublished));
		assertThat(this.directory.writes()).isEmpty();
	}

	@Test
	void appliesAnUnpublishThatWaitedOutTheGrace() {
		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(graced(1, unpublished(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.sender.sent()).isEmpty();
		assertThat(stored().modified()).isEqualTo(this.t0);
	}

	@Test
	void appliesAPublishAtOnceWhateverTheGrace() {
		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.sender.sent()).isEmpty();
	}

	@Test
	void retriesParkingAnUnpublishTheBrokerDidNotConfirm() {
		this.sender.failNext(new AmqpException("no confirm within 10 s"));

		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(in(1, unpublished(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DELAYED));
		assertThat(this.pauses).hasSize(1);
		assertThat(this.sender.sent()).hasSize(1);
	}

	@Test
	void keepsAChannelLiveWhenSrsStillListsAPublisherAfterACloseWithoutUnpublish() {
		this.srs.publish(this.srsApi, "live", this.key, "s1");

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s2", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.directory.writes()).singleElement()
			.satisfies(write -> assertThat(write.state()).isEqualTo(LiveState.ONLINE));
	}

	@Test
	void setsOfflineACloseWithoutUnpublishWhenNoSrsListsAPublisher() {
		this.srs.idle(this.srsApi, "live", this.key);

		service().apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s1", this.t0))));

		assertThat(this.directory.writes()).singleElement()
			.satisfies(write -> assertThat(write.state()).isEqualTo(LiveState.OFFLINE));
	}

	@Test
	void setsOfflineACloseWithoutUnpublishWhenNoSrsApiIsConfigured() {
		this.srs.publish(this.srsApi, "live", this.key, "s1");

		Map<Long, Outcome> outcomes = service(Duration.ZERO, List.of())
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s1", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.directory.writes()).singleElement()
			.satisfies(write -> assertThat(write.state()).isEqualTo(LiveState.OFFLINE));
		assertThat(this.srs.reads()).isZero();
	}

	@Test
	void neverWaitsTheGraceForACloseWithoutUnpublish() {
		Map<Long, Outcome> outcomes = service(GRACE)
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s1", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.sender.sent()).isEmpty();
	}

	@Test
	void retriesACloseWithoutUnpublishWhileAnSrsApiCannotBeRead() {
		URI other = this.srs.server("srs-b");
		this.srs.publish(other, "live", this.key, "s1");
		this.srs.failWith(other, "connection refused");
		this.duringPause = () -> this.srs.recover(other);

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s2", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.pauses).hasSize(1);
		assertThat(this.directory.writes()).singleElement()
			.satisfies(write -> assertThat(write.state()).isEqualTo(LiveState.ONLINE));
	}

	@Test
	void retriesATransientStoreFailureWithADoublingJitteredBackoff() {
		this.directory.failNext(Call.WRITE, unavailable(), unavailable(), unavailable());

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(this.pauses).hasSize(3);
		assertThat(this.pauses.get(0)).isBetween(BACKOFF.dividedBy(2), BACKOFF);
		assertThat(this.pauses.get(1)).isBetween(BACKOFF, BACKOFF.multipliedBy(2));
		assertThat(this.pauses.get(2)).isBetween(BACKOFF.multipliedBy(2), BACKOFF.multipliedBy(4));
	}

	@Test
	void neverBacksOffLongerThanTheMaximum() {
		this.directory.failNext(Call.WRITE,
				Arrays.stream(new int[8]).mapToObj(i -> unavailable()).toArray(DirectoryUnavailableException[]::new));

		service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(this.pauses).hasSize(8).allSatisfy(pause -> assertThat(pause).isLessThanOrEqualTo(MAX_BACKOFF));
		assertThat(this.pauses.subList(4, 8))
			.allSatisfy(pause -> assertThat(pause).isBetween(MAX_BACKOFF.dividedBy(2), MAX_BACKOFF));
	}

	@Test
	void retriesOnlyTheEventsThatFailed() {
		String other = newKey();
		this.directory.add(other);
		this.directory.failNext(Call.WRITE, unavailable());

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, published(other, this.t0))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.APPLIED));
		assertThat(this.directory.writes()).extracting(Write::result)
			.containsExactlyInAnyOrder(WriteResult.APPLIED, WriteResult.APPLIED);
		assertThat(this.pauses).hasSize(1);
	}

	@Test
	void deadLettersWhatStillFailsOnceTheRetryTimeIsUp() {
		this.directory.failEvery(unavailable());

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DEAD_LETTERED));
		Duration waited = this.pauses.stream().reduce(Duration.ZERO, Duration::plus);
		assertThat(waited).isLessThanOrEqualTo(RETRY_FOR).isGreaterThan(RETRY_FOR.minus(MAX_BACKOFF));
		assertThat(this.clock.instant()).isEqualTo(TestClock.START.plus(waited));
	}

	@Test
	void deadLettersAtOnceWhatTheStoreRefusesAndSaysSoInItsHealth() {
		this.directory.failNext(Call.WRITE,
				new DirectoryRejectedException(401, "", "the store refused the API key: check SUPABASE_KEY"));

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DEAD_LETTERED));
		assertThat(this.pauses).isEmpty();
		assertThat(this.health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(this.health.health().getDetails()).containsEntry("status", 401)
			.hasEntrySatisfying("error", error -> assertThat(error.toString()).contains("SUPABASE_KEY"));
	}

	@Test
	void reportsTheStoreHealthyAgainAfterTheNextSuccessfulWrite() {
		StatusService service = service();
		this.directory.failNext(Call.WRITE, new DirectoryRejectedException(401, "", "check SUPABASE_KEY"));
		service.apply(List.of(in(1, published(this.key, this.t0))));

		service.apply(List.of(in(2, published(this.key, this.t0.plusSeconds(1)))));

		assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void appliesABatchWhoseJointLookupFailedByLookingUpEachChannel() {
		String other = newKey();
		this.directory.add(other);
		this.directory.failNext(Call.FIND, unavailable());

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, published(other, this.t0))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.APPLIED));
		assertThat(this.pauses).isEmpty();
	}

	@Test
	void leavesWhatIsStillPendingUnsettledWhenTheWorkerStops() {
		String other = newKey();
		this.directory.add(other);
		this.directory.failNext(Call.WRITE, unavailable());
		this.stopping = true;

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, published(other, this.t0))));

		assertThat(outcomes).hasSize(1).containsValue(Outcome.APPLIED);
	}

	@Test
	void acknowledgesAStallAndItsEndWithoutTouchingTheRowWhateverTheGrace() {
		StatusService service = service(GRACE);
		StreamPublished published = published(this.key, this.t0);
		service.apply(List.of(in(1, published)));
		StreamStalled stalled = StreamStalled.of(this.t0.plusSeconds(40), published.session(), this.t0.plusSeconds(20));
		StreamResumed resumed = StreamResumed.of(this.t0.plusSeconds(70), published.session(), stalled.occurredAt());

		Map<Long, Outcome> outcomes = service.apply(List.of(in(2, stalled), in(3, resumed), in(4, stalled.replayed())));

		assertThat(outcomes).containsOnly(entry(2L, Outcome.INFORMATIONAL), entry(3L, Outcome.INFORMATIONAL),
				entry(4L, Outcome.INFORMATIONAL));
		assertThat(outcomes.values()).allSatisfy(outcome -> assertThat(outcome.settle()).isEqualTo(Outcome.Settle.ACK));
		assertThat(stored()).isEqualTo(new Channel(this.channel.id(), this.channel.streamKey(), true, this.t0));
		assertThat(this.directory.writes()).hasSize(1);
		assertThat(this.sender.sent()).isEmpty();
		assertThat(this.pauses).isEmpty();
		assertThat(count("informational")).isEqualTo(3);
	}

	@Test
	void neitherCollapsesNorReplacesTheStateEventsOfItsBatch() {
		Channel offline = this.directory.add(newKey());
		StreamPublished published = published(this.key, this.t0);
		StreamEvent unpublished = unpublished(offline.streamKey().value(), this.t0);
		StreamStalled laterStall = StreamStalled.of(this.t0.plusSeconds(30), published.session(), this.t0);
		StreamResumed laterResume = StreamResumed.of(this.t0.plusSeconds(30), unpublished.session(), this.t0);

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published), in(2, laterStall), in(3, unpublished), in(4, laterResume)));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.INFORMATIONAL),
				entry(3L, Outcome.APPLIED), entry(4L, Outcome.INFORMATIONAL));
		assertThat(stored()).isEqualTo(new Channel(this.channel.id(), this.channel.streamKey(), true, this.t0));
		assertThat(this.directory.channel(offline.id()).live()).isFalse();
		assertThat(this.directory.writes()).extracting(Write::at).containsOnly(this.t0);
	}

	@Test
	void countsEveryOutcome() {
		StatusService service = service();
		StreamPublished published = published(this.key, this.t0);
		service.apply(List.of(in(1, published), in(2, published), in(3, published(newKey(), this.t0))));

		assertThat(count("applied")).isEqualTo(1);
		assertThat(count("duplicate")).isEqualTo(1);
		assertThat(count("unknown_channel")).isEqualTo(1);
	}

	private StatusService service() {
		return service(Duration.ZERO);
	}

	private StatusService service(Duration grace) {
		return service(grace, this.srs.apis());
	}

	private StatusService service(Duration grace, List<URI> srsApis) {
		StatusSettings settings = new StatusSettings(grace, 200, 4, BACKOFF, MAX_BACKOFF, RETRY_FOR);
		return new StatusService(this.directory, new SrsServers(srsApis, this.srs::list),
				new GraceDelay(this.sender, settings), this.health, settings, this.meters, this.clock, this::pause);
	}

	private boolean pause(Duration duration) {
		this.pauses.add(duration);
		this.clock.advance(duration);
		this.duringPause.run();
		return !this.stopping;
	}

	private Channel stored() {
		return this.directory.channel(this.channel.id());
	}

	private double count(String outcome) {
		return this.meters.get("status.events").tag("outcome", outcome).counter().count();
	}

	private static Incoming in(long tag, StreamEvent event) {
		return new Incoming(tag, event, false);
	}

	private static Incoming graced(long tag, StreamEvent event) {
		return new Incoming(tag, event, true);
	}

	private static StreamPublished published(String key, Instant at) {
		return FixtureEvents.published(key, "s1", at);
	}

	private static StreamEvent unpublished(String key, Instant at) {
		return FixtureEvents.unpublished(key, "s1", at);
	}

	private static DirectoryUnavailableException unavailable() {
		return new DirectoryUnavailableException("the store answered 503", null);
	}

	private static String newKey() {
		return "k" + UUID.randomUUID().toString().replace("-", "");
	}

}
