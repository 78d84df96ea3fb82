package dev.streamctl.status.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.store.DirectoryException;
import dev.streamctl.store.DirectoryRejectedException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.WriteResult;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.srs.SrsApiException;
import dev.streamctl.srs.SrsServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.amqp.AmqpException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * Applies stream events to the channel table so that it shows what SRS has:
 * <ul>
 * <li>the latest event of a stream wins: writes are conditional on the row's modified
 * time, so duplicates, late and reordered events change nothing, whichever instance
 * applies them;</li>
 * <li>events of one stream in one batch collapse to the latest; different streams are
 * written in parallel;</li>
 * <li>informational events (a stall, its end) are acknowledged and change nothing, nor do
 * they count as a stream's latest event;</li>
 * <li>an unpublish waits out the reconnect grace first; a publisher's close without
 * unpublish (SRS refused the session) is settled by asking SRS whether the stream still
 * has a publisher;</li>
 * <li>a transient failure (store or SRS unavailable) is retried with exponential backoff
 * and jitter for {@link StatusSettings#retryFor()}, then dead-lettered; a permanent one
 * is dead-lettered at once.</li>
 * </ul>
 */
@Service
public class StatusService {

	private static final Logger log = LoggerFactory.getLogger(StatusService.class);

	private final ChannelDirectory directory;

	private final SrsServers srs;

	private final GraceDelay grace;

	private final StoreHealth health;

	private final StatusSettings settings;

	private final MeterRegistry meters;

	private final Clock clock;

	private final Pause pause;

	@Autowired
	StatusService(ChannelDirectory directory, SrsServers srs, GraceDelay grace, StoreHealth health,
			StatusSettings settings, MeterRegistry meters, Clock clock) {
		this(directory, srs, grace, health, settings, meters, clock, Pause::sleep);
	}

	/**
	 * @param clock measures {@link StatusSettings#retryFor()}
	 * @param pause waits out each backoff; it must move {@code clock} on by the time it
	 * waited
	 */
	StatusService(ChannelDirectory directory, SrsServers srs, GraceDelay grace, StoreHealth health,
			StatusSettings settings, MeterRegistry meters, Clock clock, Pause pause) {
		this.directory = directory;
		this.srs = srs;
		this.grace = grace;
		this.health = health;
		this.settings = settings;
		this.meters = meters;
		this.clock = clock;
		this.pause = pause;
	}

	/**
	 * Applies a batch and tells how to settle each delivery. A delivery missing from the
	 * answer was not settled (the worker is stopping) and must be left to the broker to
	 * redeliver.
	 */
	public Map<Long, Outcome> apply(List<Incoming> batch) {
		Map<Long, Outcome> outcomes = new HashMap<>();
		List<Incoming> pending = latestPerStream(batch, outcomes);
		Instant giveUpAt = this.clock.instant().plus(this.settings.retryFor());
		Duration backoff = this.settings.retryBackoff();
		while (!pending.isEmpty()) {
			pending = attempt(pending, outcomes);
			if (pending.isEmpty()) {
				break;
			}
			if (this.clock.instant().plus(backoff).isAfter(giveUpAt)) {
				pending.forEach(in -> deadLetter(in, "still failing after " + this.settings.retryFor(), outcomes));
				break;
			}
			if (!this.pause.pause(jittered(backoff))) {
				break;
			}
			backoff = backoff.multipliedBy(2).compareTo(this.settings.retryMaxBackoff()) > 0
					? this.settings.retryMaxBackoff() : backoff.multipliedBy(2);
		}
		outcomes.values()
			.forEach(outcome -> this.meters.counter("status.events", "outcome", outcome.tag()).increment());
		return outcomes;
	}

	private List<Incoming> latestPerStream(List<Incoming> batch, Map<Long, Outcome> outcomes) {
		Set<UUID> seen = new HashSet<>();
		Map<String, Incoming> latest = new LinkedHashMap<>();
		for (Incoming in : batch) {
			if (!in.event().changesLiveState()) {
				outcomes.put(in.tag(), Outcome.INFORMATIONAL);
				continue;
			}
			if (!seen.add(in.event().eventId())) {
				outcomes.put(in.tag(), Outcome.DUPLICATE);
				continue;
			}
			Incoming previous = latest.get(in.event().session().stream().value());
			if (previous != null && in.event().occurredAt().isBefore(previous.event().occurredAt())) {
				outcomes.put(in.tag(), Outcome.COLLAPSED);
				continue;
			}
			if (previous != null) {
				outcomes.put(previous.tag(), Outcome.COLLAPSED);
			}
			latest.put(in.event().session().stream().value(), in);
		}
		return new ArrayList<>(latest.values());
	}

	/** Resolves every pending event once; answers those that failed transiently. */
	private List<Incoming> attempt(List<Incoming> pending, Map<Long, Outcome> outcomes) {
		List<Result> results = lookUpAll(pending).thenMany(Flux.fromIterable(pending))
			.flatMap(
					in -> resolve(in).map(outcome -> new Result(in, outcome, null))
						.onErrorResume(failure -> Mono.just(new Result(in, null, failure))),
					this.settings.concurrency())
			.collectList()
			.blockOptional()
			.orElseThrow();
		List<Incoming> retry = new ArrayList<>();
		for (Result result : results) {
			Throwable failure = result.failure();
			if (failure == null) {
				outcomes.put(result.in().tag(), result.outcome());
				this.health.reachable();
			}
			else if (isTransient(failure)) {
				log.warn("Could not apply {} of {} now, will retry: {}", result.in().event().routingKey(),
						result.in().event().session().stream(), failure.getMessage());
				retry.add(result.in());
			}
			else {
				if (failure instanceof DirectoryRejectedException rejected) {
					this.health.rejected(rejected);
				}
				deadLetter(result.in(), failure.getMessage(), outcomes);
			}
		}
		return retry;
	}

	/**
	 * Looks up the channels of every stream of the batch at once (a few requests instead
	 * of one per stream), which fills the directory's cache for the writes. If that
	 * fails, each write looks up its own channel and meets the failure there, where it is
	 * retried or dead-lettered like any other.
	 */
	private Mono<Void> lookUpAll(List<Incoming> pending) {
		Set<StreamKey> keys = new LinkedHashSet<>();
		pending.forEach(in -> keys.add(in.event().session().stream()));
		return this.directory.findAll(keys).onErrorResume(ex -> {
			log.debug("Looking up the batch's {} channels at once failed ({}); looking them up one by one", keys.size(),
					ex.getMessage());
			return Mono.empty();
		}).then();
	}

	private Mono<Outcome> resolve(Incoming in) {
		StreamEvent event = in.event();
		if (event instanceof StreamPublished) {
			return write(event, LiveState.ONLINE);
		}
		if (!(event instanceof StreamUnpublished unpublished)) {
			return Mono.just(Outcome.INFORMATIONAL);
		}
		if (unpublished.reason() == StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH) {
			return this.srs.isConfigured()
					? Mono
						.fromCallable(
								() -> this.srs.isPublishing(event.session().app(), event.session().stream().value()))
						.flatMap(publishing -> write(event, publishing ? LiveState.ONLINE : LiveState.OFFLINE))
					: write(event, LiveState.OFFLINE);
		}
		if (!this.settings.reconnectGrace().isZero() && !in.graced()) {
			return Mono.fromCallable(() -> {
				this.grace.park(event);
				return Outcome.DELAYED;
			}).subscribeOn(Schedulers.boundedElastic());
		}
		return write(event, LiveState.OFFLINE);
	}

	private Mono<Outcome> write(StreamEvent event, LiveState state) {
		return this.directory.find(event.session().stream()).flatMap(found -> {
			if (found.isEmpty()) {
				log.warn("No channel has stream key {}; {} ignored", event.session().stream(), event.routingKey());
				return Mono.just(Outcome.UNKNOWN_CHANNEL);
			}
			return this.directory.write(found.get(), state, event.occurredAt()).map(result -> {
				log.info("{} {} -> channel {} {}: {}", event.routingKey(), event.session().stream(), found.get().id(),
						state.status(), result.name().toLowerCase(Locale.ROOT));
				return outcome(result);
			});
		});
	}

	private void deadLetter(Incoming in, @Nullable String reason, Map<Long, Outcome> outcomes) {
		log.error("Dead-lettering {} {} of {}: {}", in.event().routingKey(), in.event().eventId(),
				in.event().session().stream(), reason);
		outcomes.put(in.tag(), Outcome.DEAD_LETTERED);
	}

	private static Outcome outcome(WriteResult result) {
		return switch (result) {
			case APPLIED -> Outcome.APPLIED;
			case STALE -> Outcome.STALE;
			case DUPLICATE -> Outcome.DUPLICATE;
			case GONE -> Outcome.GONE;
		};
	}

	private static boolean isTransient(Throwable failure) {
		return (failure instanceof DirectoryException directory && directory.isTransient())
				|| failure instanceof SrsApiException || failure instanceof AmqpException;
	}

	/**
	 * Between half the backoff and all of it, so that workers that failed together do not
	 * retry together.
	 */
	private static Duration jittered(Duration backoff) {
		long millis = backoff.toMillis();
		return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
	}

	private record Result(Incoming in, @Nullable Outcome outcome, @Nullable Throwable failure) {
	}

}
