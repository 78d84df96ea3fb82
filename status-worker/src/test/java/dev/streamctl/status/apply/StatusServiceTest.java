package dev.streamctl.status.apply;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.srs.test.InMemorySrsApis;
import dev.streamctl.status.messaging.RecordingSender;
import dev.streamctl.srs.SrsServers;
import dev.streamctl.store.AppliedChange;
import dev.streamctl.store.Channel;
import dev.streamctl.store.DirectoryRejectedException;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.test.InMemoryChannelDirectory.Call;
import dev.streamctl.store.test.InMemoryChannelStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.AmqpException;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * How the status service settles each event of a batch, built with its constructor around
 * an in-memory store (with and without the bulk function), in-memory SRS servers, a
 * recording sender and a test clock. Nothing here waits: a retry is a message sent to a
 * retry queue, and the test hands it back as the broker would.
 */
class StatusServiceTest {

	private static final Duration BACKOFF = Duration.ofSeconds(1);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	private static final Duration RETRY_FOR = Duration.ofMinutes(15);

	private static final Duration GRACE = Duration.ofSeconds(10);

	private static final int FAILURES_BEFORE_DOWN = 3;

	private final Instant t0 = Instant.parse("2026-01-05T09:00:00Z");

	private final InMemoryChannelStore store = new InMemoryChannelStore();

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI srsApi = this.srs.server("srs-a");

	private final RecordingSender sender = new RecordingSender();

	private final StatusSettings settings = settings(Duration.ZERO);

	private final StoreHealth health = new StoreHealth(this.settings);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TestClock clock = new TestClock();

	private final String key = newKey();

	private final Channel channel = this.store.add(this.key);

	private StatusService service;

	@AfterEach
	void stopWriters() {
		if (this.service != null) {
			this.service.destroy();
		}
	}

	@Test
	void setsAChannelOnlineWithItsCoverForAPublish() {
		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(stored()).isEqualTo(new Channel(this.channel.id(), this.channel.streamKey(), true, this.t0));
		assertThat(this.store.cover(this.channel.id())).isEqualTo(this.channel.cover());
	}

	@Test
	void setsAChannelOfflineAndKeepsItsCoverForAnUnpublish() {
		StatusService service = service();
		service.apply(List.of(in(1, published(this.key, this.t0))));

		Map<Long, Outcome> outcomes = service.apply(List.of(in(2, unpublished(this.key, this.t0.plusSeconds(5)))));

		assertThat(outcomes).containsExactly(entry(2L, Outcome.APPLIED));
		assertThat(stored().live()).isFalse();
		assertThat(stored().modified()).isEqualTo(this.t0.plusSeconds(5));
		assertThat(this.store.cover(this.channel.id())).isEqualTo(this.channel.cover());
	}

	@Test
	void appliesAWholeBatchInOneRequestWithoutLookingUpAnyChannel() {
		List<Channel> others = List.of(this.store.add(newKey()), this.store.add(newKey()), this.store.add(newKey()));
		List<Incoming> batch = new ArrayList<>();
		batch.add(in(1, published(this.key, this.t0)));
		for (int i = 0; i < others.size(); i++) {
			batch.add(in(2 + i, published(others.get(i).streamKey().value(), this.t0)));
		}

		Map<Long, Outcome> outcomes = service().apply(batch);

		assertThat(outcomes).hasSize(4).allSatisfy((tag, outcome) -> assertThat(outcome).isEqualTo(Outcome.APPLIED));
		assertThat(this.store.batches()).singleElement().satisfies(applied -> assertThat(applied.changes()).hasSize(4));
		assertThat(this.store.lookups()).isZero();
		assertThat(this.store.writes()).isEmpty();
		assertThat(others).allSatisfy(other -> assertThat(this.store.channel(other.id()).live()).isTrue());
	}

	@Test
	void writesRowByRowWhenTheStoreHasNoBulkFunction() {
		this.store.applyFunction(false);
		Channel other = this.store.add(newKey());

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0)),
				in(2, published(other.streamKey().value(), this.t0)), in(3, published(newKey(), this.t0))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.APPLIED),
				entry(3L, Outcome.UNKNOWN_CHANNEL));
		assertThat(this.store.writes()).hasSize(2);
		assertThat(stored().live()).isTrue();
		assertThat(this.store.channel(other.id()).live()).isTrue();
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
		assertThat(this.store.batches()).singleElement().satisfies(applied -> assertThat(applied.changes()).hasSize(1));
	}

	@Test
	void collapsesTheEventsOfOneStreamInABatchToTheLatest() {
		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, unpublished(this.key, this.t0.plusSeconds(10))),
					in(3, published(this.key, this.t0.plusSeconds(11)))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.COLLAPSED), entry(2L, Outcome.COLLAPSED),
				entry(3L, Outcome.APPLIED));
		assertThat(stored().modified()).isEqualTo(this.t0.plusSeconds(11));
	}

	@Test
	void collapsesAnEarlierEventThatArrivesAfterALaterOne() {
		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0.plusSeconds(11))),
				in(2, unpublished(this.key, this.t0.plusSeconds(10)))));

		assertThat(outcomes).containsOnly(entry(1L, Outcome.APPLIED), entry(2L, Outcome.COLLAPSED));
		assertThat(stored().live()).isTrue();
	}

	@Test
	void acknowledgesAnUnknownStreamKeyWithoutWritingAndLogsItMasked() {
		String unknown = newKey();
		try (CapturedLogs logs = CapturedLogs.of(StatusService.class)) {
			Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(unknown, this.t0))));

			assertThat(outcomes).containsExactly(entry(1L, Outcome.UNKNOWN_CHANNEL));
			assertThat(logs.all()).contains(unknown.substring(0, 3) + "***").doesNotContain(unknown);
		}
	}

	@Test
	void sendsAnUnpublishToWaitOutTheReconnectGraceWithoutWriting() {
		StreamEvent unpublished = unpublished(this.key, this.t0);

		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(in(1, unpublished)));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DELAYED));
		assertThat(this.sender.sent()).containsExactly(
				new RecordingSender.Sent("", StatusTopology.graceQueue(GRACE.toMillis()), unpublished, Map.of()));
		assertThat(this.store.batches()).isEmpty();
	}

	@Test
	void makesNoOfflineWriteForAPublisherBackWithinTheGrace() {
		StatusService service = service(GRACE);
		service.apply(List.of(in(1, published(this.key, this.t0))));
		StreamEvent unpublished = unpublished(this.key, this.t0.plusSeconds(2));
		service.apply(List.of(in(2, unpublished)));
		service.apply(List.of(in(3, published(this.key, this.t0.plusSeconds(4)))));

		Map<Long, Outcome> outcomes = service.apply(List.of(graced(4, unpublished)));

		assertThat(outcomes).containsExactly(entry(4L, Outcome.STALE));
		assertThat(stored().live()).isTrue();
		assertThat(stored().modified()).isEqualTo(this.t0.plusSeconds(4));
		assertThat(this.store.batches()).flatExtracting(InMemoryChannelStore.Batch::results)
			.extracting(AppliedChange::result)
			.containsExactly(AppliedChange.Result.APPLIED, AppliedChange.Result.APPLIED, AppliedChange.Result.STALE);
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
	void handsAnUnpublishBackToTheQueueWhenTheBrokerDoesNotTakeItToWait() {
		this.sender.failNext(new AmqpException("no confirm within 10 s"));

		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(in(1, unpublished(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.REQUEUED));
		assertThat(Outcome.REQUEUED.settle()).isEqualTo(Outcome.Settle.REQUEUE);
		assertThat(this.store.batches()).isEmpty();
	}

	@Test
	void keepsAChannelLiveWhenSrsStillListsAPublisherAfterACloseWithoutUnpublish() {
		this.srs.publish(this.srsApi, "live", this.key, "s1");

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s2", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(stored().live()).isTrue();
	}

	@Test
	void setsOfflineACloseWithoutUnpublishWhenNoSrsListsAPublisher() {
		this.srs.idle(this.srsApi, "live", this.key);
		service().apply(List.of(in(1, published(this.key, this.t0))));

		service().apply(List.of(in(2, FixtureEvents.closedWithoutUnpublish(this.key, "s1", this.t0.plusSeconds(1)))));

		assertThat(stored().live()).isFalse();
	}

	@Test
	void setsOfflineACloseWithoutUnpublishWhenNoSrsApiIsConfigured() {
		this.srs.publish(this.srsApi, "live", this.key, "s1");

		Map<Long, Outcome> outcomes = service(Duration.ZERO, List.of())
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s1", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.APPLIED));
		assertThat(stored().live()).isFalse();
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
	void dropsAnOfflineCorrectionOfAStreamSrsListsAgainByTheTimeItIsApplied() {
		service().apply(List.of(in(1, published(this.key, this.t0))));
		this.srs.publish(this.srsApi, "live", this.key, "s1");

		Map<Long, Outcome> outcomes = service(GRACE).apply(List.of(graced(2, correction(this.t0.plusSeconds(30)))));

		assertThat(outcomes).containsExactly(entry(2L, Outcome.STILL_LIVE));
		assertThat(stored().live()).isTrue();
		assertThat(stored().modified()).isEqualTo(this.t0);
	}

	@Test
	void appliesAnOfflineCorrectionAfterTheGraceWhenNoSrsListsTheStream() {
		service().apply(List.of(in(1, published(this.key, this.t0))));

		StatusService service = service(GRACE);
		assertThat(service.apply(List.of(in(2, correction(this.t0.plusSeconds(30))))))
			.containsExactly(entry(2L, Outcome.DELAYED));
		Map<Long, Outcome> outcomes = service.apply(List.of(graced(3, correction(this.t0.plusSeconds(30)))));

		assertThat(outcomes).containsExactly(entry(3L, Outcome.APPLIED));
		assertThat(stored().live()).isFalse();
	}

	@Test
	void setsOfflineAtOnceWhateverTheGraceAStreamItsRestartedSrsLeftBehind() {
		service().apply(List.of(in(1, published(this.key, this.t0))));
		this.srs.failWith(this.srsApi, "connection refused");

		Map<Long, Outcome> outcomes = service(GRACE)
			.apply(List.of(in(2, serverCorrection(StreamUnpublished.Reason.SERVER_RESTARTED))));

		assertThat(outcomes).containsExactly(entry(2L, Outcome.APPLIED));
		assertThat(stored().live()).isFalse();
		assertThat(this.sender.sent()).isEmpty();
		assertThat(this.srs.reads()).isZero();
	}

	@Test
	void setsOfflineAfterTheGraceWithoutAskingSrsAStreamOfASilentSrs() {
		service().apply(List.of(in(1, published(this.key, this.t0))));
		this.srs.failWith(this.srsApi, "connection refused");
		StatusService service = service(GRACE);
		StreamEvent correction = serverCorrection(StreamUnpublished.Reason.SERVER_GONE);
		assertThat(service.apply(List.of(in(2, correction)))).containsExactly(entry(2L, Outcome.DELAYED));

		Map<Long, Outcome> outcomes = service.apply(List.of(graced(3, correction)));

		assertThat(outcomes).containsExactly(entry(3L, Outcome.APPLIED));
		assertThat(stored().live()).isFalse();
		assertThat(this.srs.reads()).isZero();
	}

	@Test
	void sendsAnEventToTheFirstRetryQueueWhenTheStoreFailsTransiently() {
		this.store.failNext(Call.APPLY, unavailable());
		StreamPublished published = published(this.key, this.t0);

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published)));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.RETRYING));
		assertThat(this.sender.sent())
			.containsExactly(new RecordingSender.Sent("", StatusTopology.retryQueue(BACKOFF.toMillis()), published,
					Map.of(RetryHeaders.RETRIES, 1, RetryHeaders.FIRST_FAILURE, TestClock.START.toEpochMilli())));
		assertThat(stored().live()).isFalse();
	}

	@Test
	void doublesTheWaitAtEachRetryUpToTheLongestAndKeepsTheFirstFailureTime() {
		this.store.failEvery(unavailable());
		StatusService service = service();
		Instant firstFailure = TestClock.START.minusSeconds(20);

		List<String> queues = new ArrayList<>();
		for (int retries = 0; retries < 6; retries++) {
			service.apply(List.of(new Incoming(retries, published(this.key, this.t0), false, retries,
					(retries == 0) ? null : firstFailure)));
			queues.add(this.sender.sent().get(retries).routingKey());
		}

		assertThat(queues).containsExactly("status.retry.1000ms", "status.retry.2000ms", "status.retry.4000ms",
				"status.retry.5000ms", "status.retry.5000ms", "status.retry.5000ms");
		assertThat(this.sender.sent().subList(1, 6)).allSatisfy(sent -> assertThat(sent.headers())
			.containsEntry(RetryHeaders.FIRST_FAILURE, firstFailure.toEpochMilli()));
		assertThat(this.settings.retryDelays()).extracting(Duration::toMillis)
			.containsExactly(1000L, 2000L, 4000L, 5000L);
	}

	@Test
	void appliesARetriedEventOnceTheStoreIsBackAndReportsTheStoreReadyAgain() {
		StatusService service = service();
		this.store.failEvery(unavailable());
		StreamPublished published = published(this.key, this.t0);
		for (int tag = 1; tag <= FAILURES_BEFORE_DOWN; tag++) {
			service.apply(List.of(new Incoming(tag, published, false, tag - 1, null)));
		}
		assertThat(this.health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(this.health.health().getDetails()).containsEntry("consecutiveFailures", FAILURES_BEFORE_DOWN);
		this.store.recover();

		Map<Long, Outcome> outcomes = service
			.apply(List.of(new Incoming(9, published, false, FAILURES_BEFORE_DOWN, TestClock.START)));

		assertThat(outcomes).containsExactly(entry(9L, Outcome.APPLIED));
		assertThat(stored().live()).isTrue();
		assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void staysReadyUntilTheConfiguredNumberOfFailuresInARow() {
		StatusService service = service();
		this.store.failNext(Call.APPLY, unavailable(), unavailable());

		service.apply(List.of(in(1, published(this.key, this.t0))));
		service.apply(List.of(in(2, published(this.key, this.t0))));

		assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void keepsTheGracedMarkOfAnUnpublishThroughItsRetries() {
		this.store.failNext(Call.APPLY, unavailable());
		StreamEvent unpublished = unpublished(this.key, this.t0);

		service(GRACE).apply(List.of(graced(1, unpublished)));

		assertThat(this.sender.sent()).singleElement()
			.satisfies(sent -> assertThat(sent.headers()).containsEntry(RetryHeaders.GRACED, true));
	}

	@Test
	void retriesACloseWithoutUnpublishWhileAnSrsApiCannotBeRead() {
		URI other = this.srs.server("srs-b");
		this.srs.failWith(other, "connection refused");

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, FixtureEvents.closedWithoutUnpublish(this.key, "s2", this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.RETRYING));
		assertThat(this.store.batches()).isEmpty();
	}

	@Test
	void deadLettersWhatStillFailsOnceTheRetryTimeIsUp() {
		this.store.failEvery(unavailable());
		Instant firstFailure = TestClock.START.minus(RETRY_FOR).minusSeconds(1);

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(new Incoming(1, published(this.key, this.t0), false, 200, firstFailure)));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DEAD_LETTERED));
		assertThat(this.sender.sent()).isEmpty();
	}

	@Test
	void deadLettersAtOnceWhatTheStoreRefusesAndSaysSoInItsHealth() {
		this.store.failNext(Call.APPLY,
				new DirectoryRejectedException(401, "", "the store refused the API key: check SUPABASE_KEY"));

		Map<Long, Outcome> outcomes = service().apply(List.of(in(1, published(this.key, this.t0))));

		assertThat(outcomes).containsExactly(entry(1L, Outcome.DEAD_LETTERED));
		assertThat(this.sender.sent()).isEmpty();
		assertThat(this.health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(this.health.health().getDetails()).containsEntry("status", 401)
			.hasEntrySatisfying("error", error -> assertThat(error.toString()).contains("SUPABASE_KEY"));
	}

	@Test
	void retriesOnlyTheRowsThatFailedWhenWritingRowByRow() {
		this.store.applyFunction(false);
		Channel other = this.store.add(newKey());
		this.store.failNext(Call.WRITE, unavailable());

		Map<Long, Outcome> outcomes = service()
			.apply(List.of(in(1, published(this.key, this.t0)), in(2, published(other.streamKey().value(), this.t0))));

		assertThat(outcomes.values()).containsExactlyInAnyOrder(Outcome.APPLIED, Outcome.RETRYING);
		assertThat(this.sender.sent()).hasSize(1);
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
		assertThat(stored()).isEqualTo(new Channel(this.channel.id(), this.channel.streamKey(), true, this.t0));
		assertThat(this.store.batches()).hasSize(1);
		assertThat(this.sender.sent()).isEmpty();
		assertThat(count("informational")).isEqualTo(3);
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
		if (this.service != null) {
			this.service.destroy();
		}
		this.service = new StatusService(this.store, new SrsServers(srsApis, this.srs::list), this.sender, this.health,
				settings(grace), this.meters, this.clock);
		return this.service;
	}

	private static StatusSettings settings(Duration grace) {
		return new StatusSettings(grace, 200, Duration.ofMillis(20), 4, BACKOFF, MAX_BACKOFF, RETRY_FOR,
				FAILURES_BEFORE_DOWN);
	}

	private StreamEvent correction(Instant at) {
		return StreamUnpublished.of(at, EventSource.RECONCILER, published(this.key, this.t0).session(),
				StreamUnpublished.Reason.GONE);
	}

	private StreamEvent serverCorrection(StreamUnpublished.Reason reason) {
		return StreamUnpublished.of(this.t0.plusSeconds(30), EventSource.RECONCILER,
				published(this.key, this.t0).session(), reason);
	}

	private Channel stored() {
		return this.store.channel(this.channel.id());
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
