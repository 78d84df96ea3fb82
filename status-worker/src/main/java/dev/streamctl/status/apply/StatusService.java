package dev.streamctl.status.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.srs.SrsApiException;
import dev.streamctl.status.messaging.EventSender;
import dev.streamctl.srs.SrsServers;
import dev.streamctl.store.AppliedChange;
import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelStore;
import dev.streamctl.store.DirectoryException;
import dev.streamctl.store.DirectoryRejectedException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.LiveStateChange;
import dev.streamctl.store.WriteResult;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Applies stream events to the channel table so that it shows what SRS has:
 * <ul>
 * <li>the latest event of a stream wins: writes are conditional on the row's modified
 * time, so duplicates, late and reordered events change nothing, whichever instance
 * applies them;</li>
 * <li>events of one stream in one batch collapse to the latest, and the rest of the batch
 * is applied in one request ({@link ChannelStore#applyAll}); a store without the bulk
 * function gets one write per row, several in parallel;</li>
 * <li>informational events (a stall, its end) are acknowledged and change nothing, nor do
 * they count as a stream's latest event;</li>
 * <li>an unpublish waits out the reconnect grace first, except for the streams of a
 * restarted SRS (its new run is there for the publishers to come back to); a publisher's
 * close without unpublish (SRS refused the session) and the reconciler's offline
 * corrections are settled by asking SRS whether the stream has a publisher now (not those
 * of a silent SRS, whose API cannot be read);</li>
 * <li>a transient failure (store or SRS unavailable) sends the event to wait in a retry
 * queue, whose TTL brings it back after a backoff that doubles up to
 * {@link StatusSettings#retryMaxBackoff()}: no thread waits, and the queue keeps flowing.
 * An event still failing after {@link StatusSettings#retryFor()} is dead-lettered, as a
 * permanent failure is at once.</li>
 * </ul>
 */
@Service
public class StatusService implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(StatusService.class);

	private final ChannelStore store;

	private final SrsServers srs;

	private final EventSender sender;

	private final StoreHealth health;

	private final StatusSettings settings;

	private final MeterRegistry meters;

	private final Clock clock;

	private final ExecutorService writers;

	StatusService(ChannelStore store, SrsServers srs, EventSender sender, StoreHealth health, StatusSettings settings,
			MeterRegistry meters, Clock clock) {
		this.store = store;
		this.srs = srs;
		this.sender = sender;
		this.health = health;
		this.settings = settings;
		this.meters = meters;
		this.clock = clock;
		AtomicInteger threads = new AtomicInteger();
		this.writers = Executors.newFixedThreadPool(settings.concurrency(), task -> {
			Thread thread = new Thread(task, "status-write-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public void destroy() {
		this.writers.shutdownNow();
	}

	/**
	 * Applies a batch and tells how to settle each delivery. Every delivery of the batch
	 * is in the answer.
	 */
	public Map<Long, Outcome> apply(List<Incoming> batch) {
		Map<Long, Outcome> outcomes = new HashMap<>();
		List<Planned> changes = new ArrayList<>();
		for (Incoming in : latestPerStream(batch, outcomes)) {
			plan(in, changes, outcomes);
		}
		if (!changes.isEmpty()) {
			applyChanges(changes, outcomes);
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

	/**
	 * Decides what an event writes, adding it to {@code changes}, or settles it at once
	 * (sent to wait out the grace, or to be tried again when SRS cannot say).
	 */
	private void plan(Incoming in, List<Planned> changes, Map<Long, Outcome> outcomes) {
		StreamEvent event = in.event();
		if (event instanceof StreamPublished) {
			changes.add(new Planned(in, LiveState.ONLINE));
			return;
		}
		if (!(event instanceof StreamUnpublished unpublished)) {
			outcomes.put(in.tag(), Outcome.INFORMATIONAL);
			return;
		}
		boolean closed = unpublished.reason() == StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH;
		if (unpublished.reason() == StreamUnpublished.Reason.SERVER_RESTARTED) {
			changes.add(new Planned(in, LiveState.OFFLINE));
			return;
		}
		if (!closed && !this.settings.reconnectGrace().isZero() && !in.graced()) {
			outcomes.put(in.tag(), sendToWait(in, StatusTopology.graceQueue(this.settings.reconnectGrace().toMillis()),
					Map.of(), Outcome.DELAYED));
			return;
		}
		boolean correction = event.source() == EventSource.RECONCILER
				&& unpublished.reason() == StreamUnpublished.Reason.GONE;
		if ((closed || correction) && this.srs.isConfigured()) {
			boolean publishing;
			try {
				publishing = this.srs.isPublishing(event.session().app(), event.session().stream().value());
			}
			catch (SrsApiException ex) {
				outcomes.put(in.tag(), retry(in, ex));
				return;
			}
			if (publishing && correction) {
				log.info("{} of {} dropped: SRS lists the stream as publishing again", event.routingKey(),
						event.session().stream());
				outcomes.put(in.tag(), Outcome.STILL_LIVE);
				return;
			}
			changes.add(new Planned(in, publishing ? LiveState.ONLINE : LiveState.OFFLINE));
			return;
		}
		changes.add(new Planned(in, LiveState.OFFLINE));
	}

	/** Writes the planned changes in one request, or row by row without the function. */
	private void applyChanges(List<Planned> changes, Map<Long, Outcome> outcomes) {
		Optional<List<AppliedChange>> applied;
		try {
			applied = this.store.applyAll(changes.stream().map(Planned::change).toList());
		}
		catch (DirectoryException ex) {
			failed(changes, ex, outcomes);
			return;
		}
		if (applied.isEmpty()) {
			writeEach(changes, outcomes);
			return;
		}
		this.health.reachable();
		Map<UUID, AppliedChange> byEvent = new HashMap<>();
		applied.get().forEach(change -> byEvent.put(change.eventId(), change));
		for (Planned planned : changes) {
			AppliedChange change = byEvent.get(planned.in().event().eventId());
			if (change == null) {
				outcomes.put(planned.in().tag(), deadLetter(planned.in(), "the store's answer leaves this event out"));
				continue;
			}
			outcomes.put(planned.in().tag(), logged(planned, change.channelId(), outcome(change.result())));
		}
	}

	/**
	 * One conditional write per row, several at once, after one lookup of the batch's
	 * channels (a request per hundred keys) that fills the lookup cache.
	 */
	private void writeEach(List<Planned> changes, Map<Long, Outcome> outcomes) {
		try {
			this.store.findAll(changes.stream().map(planned -> planned.in().event().session().stream()).toList());
		}
		catch (DirectoryException ex) {
			log.debug("Looking up the batch's channels at once failed ({}); each write looks up its own",
					ex.getMessage());
		}
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		Map<Long, Outcome> settled = new ConcurrentHashMap<>();
		for (Planned planned : changes) {
			writes.add(
					CompletableFuture.runAsync(() -> settled.put(planned.in().tag(), writeOne(planned)), this.writers));
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
		outcomes.putAll(settled);
	}

	private Outcome writeOne(Planned planned) {
		StreamEvent event = planned.in().event();
		try {
			Optional<Channel> found = this.store.find(event.session().stream());
			if (found.isEmpty()) {
				return logged(planned, null, Outcome.UNKNOWN_CHANNEL);
			}
			WriteResult result = this.store.write(found.get(), planned.state(), event.occurredAt());
			this.health.reachable();
			return logged(planned, found.get().id(), outcome(result));
		}
		catch (DirectoryException ex) {
			return failed(planned, ex);
		}
	}

	private void failed(List<Planned> changes, DirectoryException ex, Map<Long, Outcome> outcomes) {
		changes.forEach(planned -> outcomes.put(planned.in().tag(), failed(planned, ex)));
	}

	/**
	 * A transient failure sends the event to be tried again, a permanent one dead-letters
	 * it.
	 */
	private Outcome failed(Planned planned, DirectoryException ex) {
		if (ex.isTransient()) {
			this.health.failed(ex);
			return retry(planned.in(), ex);
		}
		if (ex instanceof DirectoryRejectedException rejected) {
			this.health.rejected(rejected);
		}
		return deadLetter(planned.in(), ex.getMessage());
	}

	/**
	 * Sends the event to wait in the retry queue of its next backoff, unless it has been
	 * failing for longer than {@link StatusSettings#retryFor()}.
	 */
	private Outcome retry(Incoming in, Exception failure) {
		Instant now = this.clock.instant();
		Instant firstFailure = (in.firstFailure() != null) ? in.firstFailure() : now;
		if (Duration.between(firstFailure, now).compareTo(this.settings.retryFor()) > 0) {
			return deadLetter(in, "still failing after " + this.settings.retryFor() + ": " + failure.getMessage());
		}
		int retries = in.retries() + 1;
		Duration delay = this.settings.retryDelay(retries);
		log.warn("Could not apply {} of {} now (try {}), trying again in {}: {}", in.event().routingKey(),
				in.event().session().stream(), retries, delay, failure.getMessage());
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put(RetryHeaders.RETRIES, retries);
		headers.put(RetryHeaders.FIRST_FAILURE, firstFailure.toEpochMilli());
		if (in.graced()) {
			headers.put(RetryHeaders.GRACED, true);
		}
		return sendToWait(in, StatusTopology.retryQueue(delay.toMillis()), headers, Outcome.RETRYING);
	}

	/**
	 * Sends the event to a delay queue and answers {@code sent}; when the broker does not
	 * take it, the delivery goes back to the queue as it is.
	 */
	private Outcome sendToWait(Incoming in, String queue, Map<String, Object> headers, Outcome sent) {
		try {
			this.sender.send("", queue, in.event(), headers);
			return sent;
		}
		catch (AmqpException ex) {
			log.warn("Could not send {} of {} to wait in {}; handing it back to the queue: {}", in.event().routingKey(),
					in.event().session().stream(), queue, ex.getMessage());
			return Outcome.REQUEUED;
		}
	}

	private Outcome logged(Planned planned, @Nullable UUID channel, Outcome outcome) {
		StreamEvent event = planned.in().event();
		if (outcome == Outcome.UNKNOWN_CHANNEL) {
			log.warn("No channel has stream key {}; {} ignored", event.session().stream(), event.routingKey());
		}
		else {
			log.info("{} {} -> channel {} {}: {}", event.routingKey(), event.session().stream(), channel,
					planned.state().status(), outcome.tag());
		}
		return outcome;
	}

	private Outcome deadLetter(Incoming in, @Nullable String reason) {
		log.error("Dead-lettering {} {} of {}: {}", in.event().routingKey(), in.event().eventId(),
				in.event().session().stream(), reason);
		return Outcome.DEAD_LETTERED;
	}

	private static Outcome outcome(WriteResult result) {
		return switch (result) {
			case APPLIED -> Outcome.APPLIED;
			case STALE -> Outcome.STALE;
			case DUPLICATE -> Outcome.DUPLICATE;
			case GONE -> Outcome.GONE;
		};
	}

	private static Outcome outcome(AppliedChange.Result result) {
		return switch (result) {
			case APPLIED -> Outcome.APPLIED;
			case STALE -> Outcome.STALE;
			case DUPLICATE -> Outcome.DUPLICATE;
			case SUPERSEDED -> Outcome.COLLAPSED;
			case UNKNOWN_KEY -> Outcome.UNKNOWN_CHANNEL;
		};
	}

	/** An event and the state it writes. */
	private record Planned(Incoming in, LiveState state) {

		LiveStateChange change() {
			StreamEvent event = this.in.event();
			return new LiveStateChange(event.eventId(), event.session().stream(), this.state, event.occurredAt());
		}

	}

}
