package dev.streamctl.gateway.delivery;

import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Service;

/**
 * Hands an event durably to the broker within a deadline: the answer completes once
 * RabbitMQ confirmed the event, or, when the broker is down, blocked, slow beyond
 * {@link DeliverySettings#confirmDeadline()}, or earlier events of the same stream wait
 * in the spool, once the event is forced to the local spool. It never fails for broker
 * trouble: SRS refuses a streamer on any error answer and never retries a hook.
 *
 * <p>
 * Nothing here blocks the caller: the wait for a confirm is a future completed by the
 * broker's confirm or by the deadline, and spool writes (which force files to disk) run
 * on their own threads ({@link DeliverySettings#spoolWriters()}). The HTTP server's event
 * loop can therefore hand events over directly.
 *
 * <p>
 * While the spool holds events of a stream, that stream's new events join it behind them,
 * so that one stream's events reach the broker in the order they came; other streams keep
 * publishing directly. (SRS sends a stream's next hook only after this one was answered,
 * and the answer comes after the spool write.) An SRS server's heartbeats keep their
 * order the same way, in a lane of their own ({@link #lane(SrsEvent)}). An event that
 * went to the spool after its confirm was late may reach the broker twice (at-least-once;
 * consumers drop duplicates by {@code eventId}); when the late confirm does come, its
 * spool entry is dropped to keep such duplicates rare.
 */
@Service
public class EventDelivery implements EventSink, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventDelivery.class);

	private final HookPublisher publisher;

	private final EventSpool spool;

	private final BrokerLink broker;

	private final EventCodec codec;

	private final long deadlineNanos;

	private final ExecutorService spoolWriters;

	private final HashedWheelTimer deadlines;

	private final Timer confirmLatency;

	private final Counter confirmed;

	private final Counter spooled;

	private final Counter lost;

	private volatile boolean running;

	EventDelivery(HookPublisher publisher, EventSpool spool, BrokerLink broker, EventCodec codec,
			DeliverySettings settings, MeterRegistry meters) {
		this.publisher = publisher;
		this.spool = spool;
		this.broker = broker;
		this.codec = codec;
		this.deadlineNanos = settings.confirmDeadline().toNanos();
		// a deadline fires up to one tick late; the timer takes no lock per hook, unlike
		// a scheduled executor
		long tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
				Math.min(TimeUnit.MILLISECONDS.toNanos(5), this.deadlineNanos / 10));
		this.deadlines = new HashedWheelTimer(new CustomizableThreadFactory("confirm-deadlines-"), tickNanos,
				TimeUnit.NANOSECONDS);
		this.spoolWriters = new ThreadPoolExecutor(settings.spoolWriters(), settings.spoolWriters(), 0,
				TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new CustomizableThreadFactory("spool-writer-"));
		this.confirmLatency = Timer.builder("gateway.broker.confirm")
			.description("Time from publishing an event to the broker's confirm, on the hook path")
			.publishPercentileHistogram()
			.register(meters);
		this.confirmed = outcomeCounter(meters, DeliveryOutcome.CONFIRMED);
		this.spooled = outcomeCounter(meters, DeliveryOutcome.SPOOLED);
		this.lost = outcomeCounter(meters, DeliveryOutcome.LOST);
	}

	@Override
	public CompletableFuture<DeliveryOutcome> deliver(SrsEvent event) {
		byte[] body = this.codec.encode(event);
		if (this.spool.holds(lane(event)) || !this.broker.isUp()) {
			return spoolLater(event, body, null);
		}
		long start = System.nanoTime();
		CorrelationData correlation = new CorrelationData(event.eventId().toString());
		HookPublisher.Publish publish = this.publisher.submit(event.routingKey(), EventMessages.toMessage(event, body),
				correlation);
		if (publish == null) {
			log.debug("The publisher's queue is full; spooling event {}", event.eventId());
			return spoolLater(event, body, null);
		}
		// a copy, so that the deadline does not complete the correlation itself: a late
		// confirm still arrives
		CompletableFuture<CorrelationData.Confirm> waiting = correlation.getFuture().copy();
		Timeout deadline = this.deadlines.newTimeout(expired -> waiting.completeExceptionally(new TimeoutException()),
				this.deadlineNanos, TimeUnit.NANOSECONDS);
		return handleCompose(waiting, (confirm, failure) -> {
			deadline.cancel();
			if (failure == null && confirm.ack() && correlation.getReturned() == null) {
				this.confirmLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				this.confirmed.increment();
				return CompletableFuture.completedFuture(DeliveryOutcome.CONFIRMED);
			}
			explainUnconfirmed(event, confirm, failure);
			return spoolLater(event, body, publish.withdraw() ? null : correlation);
		});
	}

	/**
	 * Continues with a future of {@code next} once {@code first} completes either way
	 * (JDK 17 has no {@code handleCompose}).
	 */
	// handle() answers a future of a future, flattened at once
	@SuppressWarnings("FutureReturnValueIgnored")
	private static <T, U> CompletableFuture<U> handleCompose(CompletableFuture<T> first,
			BiFunction<? super T, Throwable, CompletableFuture<U>> next) {
		return first.handle(next).thenCompose(Function.identity());
	}

	private static void explainUnconfirmed(SrsEvent event, CorrelationData.Confirm confirm, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
		if (cause instanceof TimeoutException) {
			log.debug("No confirm for event {} within the deadline; spooling it", event.eventId());
		}
		else if (cause != null) {
			log.warn("Publishing event {} failed ({}); spooling it", event.eventId(), cause.getMessage());
		}
		else {
			log.warn("The broker did not take event {} ({}); spooling it", event.eventId(),
					confirm.ack() ? "returned unroutable" : "nack: " + confirm.reason());
		}
	}

	/**
	 * Writes the event to the spool on a spool writer; {@code unconfirmed} is the
	 * correlation of a publish that was sent but not confirmed in time, whose late
	 * confirm drops the spooled copy again.
	 */
	private CompletableFuture<DeliveryOutcome> spoolLater(SrsEvent event, byte[] body,
			@Nullable CorrelationData unconfirmed) {
		try {
			return CompletableFuture.supplyAsync(() -> toSpool(event, body, unconfirmed), this.spoolWriters);
		}
		catch (RuntimeException ex) {
			// the writers are shut down: the application is stopping, and this hook came
			// after the web server
			return CompletableFuture.completedFuture(toSpool(event, body, unconfirmed));
		}
	}

	private DeliveryOutcome toSpool(SrsEvent event, byte[] body, @Nullable CorrelationData unconfirmed) {
		try {
			this.spool.append(event.eventId(), lane(event), body);
			this.spooled.increment();
		}
		catch (SpoolFullException | UncheckedIOException ex) {
			this.lost.increment();
			log.error("Event {} ({} of {}) is lost: {}", event.eventId(), event.routingKey(), subject(event),
					ex.getMessage());
			return DeliveryOutcome.LOST;
		}
		if (unconfirmed != null) {
			unconfirmed.getFuture().thenAcceptAsync(confirm -> {
				if (confirm.ack() && unconfirmed.getReturned() == null) {
					this.spool.remove(event.eventId());
				}
			}, this.spoolWriters).exceptionally(ex -> {
				log.warn("Event {} stays spooled after its late confirm ({}); it may reach the broker twice",
						event.eventId(), ex.getMessage());
				return null;
			});
		}
		return DeliveryOutcome.SPOOLED;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Stops after the web server and the publisher (whose queued events go to the spool):
	 * the spool writes of every hook in flight finish first.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.deadlines.stop();
		this.spoolWriters.shutdown();
		try {
			if (!this.spoolWriters.awaitTermination(30, TimeUnit.SECONDS)) {
				log.error("Spool writes still running after 30 s; stopping without them");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return HookPublisher.PHASE - 1;
	}

	/**
	 * The spool lane of an event, whose events reach the broker in order: a stream
	 * event's stream key, or, for a heartbeat, its server behind a {@code /}, which no
	 * stream key holds.
	 */
	static String lane(SrsEvent event) {
		if (event instanceof StreamEvent stream) {
			return stream.session().stream().value();
		}
		return "srs/" + ((SrsHeartbeat) event).serverId();
	}

	/** What an event is about, for logs: a session (its key masked) or an SRS server. */
	private static Object subject(SrsEvent event) {
		if (event instanceof StreamEvent stream) {
			return stream.session();
		}
		return "SRS server " + ((SrsHeartbeat) event).serverId();
	}

	private static Counter outcomeCounter(MeterRegistry meters, DeliveryOutcome outcome) {
		return Counter.builder("gateway.events")
			.description("Events handed off by the hook path, by outcome")
			.tag("outcome", outcome.tag())
			.register(meters);
	}

}
