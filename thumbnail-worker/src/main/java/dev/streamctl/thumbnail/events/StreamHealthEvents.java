package dev.streamctl.thumbnail.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.topology.EventTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Publishes {@link StreamStalled} and {@link StreamResumed} to
 * {@link EventTopology#EXCHANGE} with their routing keys, as the gateway publishes events
 * ({@link EventMessages}: persistent, {@code message_id}, {@code type},
 * {@code timestamp}), stamped with the application's {@link Clock}.
 *
 * <p>
 * The capture engine calls it from its watchdog thread, so neither method throws nor
 * waits for the broker: the event is made and handed to one publishing thread through a
 * bounded queue, and the call returns. An event that finds the queue full (the broker
 * blocked or out of reach for long) or the worker stopping is dropped, logged and counted
 * {@code failed}.
 *
 * <p>
 * The publishing thread waits for the broker's confirm, for at most
 * {@link #CONFIRM_TIMEOUT}. So {@code published} in the metric means the broker took the
 * event and routed it (the template publishes {@code mandatory}: a returned event counts
 * {@code failed}, as it means the event log is missing), not that it was written to a
 * socket; the wait costs the watchdog nothing, and with one event in flight a stall and
 * its end reach the exchange in the order they happened. A failed event is not retried:
 * it describes a moment, and the stream's next stall or resume is reported as usual
 * (docs/events.md).
 *
 * <p>
 * Meters: {@code thumbnail.stream.events{type, outcome}}, {@code type} the routing key,
 * {@code outcome} {@code published} or {@code failed}.
 */
@Component
public class StreamHealthEvents implements DisposableBean {

	/** How long the publishing thread waits for the broker to confirm an event. */
	static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

	/** How many events may wait for the publishing thread. */
	static final int CAPACITY = 1024;

	private static final Logger log = LoggerFactory.getLogger(StreamHealthEvents.class);

	private final RabbitOperations rabbit;

	private final EventCodec codec;

	private final Clock clock;

	private final MeterRegistry meters;

	private final ThreadPoolExecutor publisher;

	@Autowired
	StreamHealthEvents(RabbitOperations rabbit, EventCodec codec, Clock clock, MeterRegistry meters) {
		this(rabbit, codec, clock, meters, CAPACITY);
	}

	/**
	 * @param capacity how many events may wait for the publishing thread
	 */
	StreamHealthEvents(RabbitOperations rabbit, EventCodec codec, Clock clock, MeterRegistry meters, int capacity) {
		this.rabbit = rabbit;
		this.codec = codec;
		this.clock = clock;
		this.meters = meters;
		this.publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
				task -> {
					Thread thread = new Thread(task, "stream-health-events");
					thread.setDaemon(true);
					return thread;
				});
		for (String type : List.of(StreamStalled.ROUTING_KEY, StreamResumed.ROUTING_KEY)) {
			for (String outcome : List.of("published", "failed")) {
				counter(type, outcome);
			}
		}
	}

	/**
	 * Reports that a live stream sent no video for the stall timeout.
	 * @param session the session of the capture's job
	 * @param lastVideoAt when the last video tag arrived, or when the capture started
	 * reading if none ever came
	 */
	public void stalled(SrsSession session, Instant lastVideoAt) {
		submit(() -> StreamStalled.of(this.clock.instant(), session, lastVideoAt));
	}

	/**
	 * Reports that video came back on a stream reported stalled.
	 * @param session the session of the capture's job
	 * @param stalledAt when the stall was reported
	 */
	public void resumed(SrsSession session, Instant stalledAt) {
		submit(() -> StreamResumed.of(this.clock.instant(), session, stalledAt));
	}

	/**
	 * Stops taking events and gives those already taken {@link #CONFIRM_TIMEOUT} to go
	 * out; the rest are counted failed.
	 */
	@Override
	public void destroy() throws InterruptedException {
		this.publisher.shutdown();
		if (!this.publisher.awaitTermination(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			for (Runnable left : this.publisher.shutdownNow()) {
				failed(((Publication) left).event(), "the worker stopped before it went out");
			}
		}
	}

	private void submit(Supplier<StreamEvent> factory) {
		StreamEvent event;
		try {
			event = factory.get();
		}
		catch (RuntimeException ex) {
			log.warn("Could not make a stream event: {}", ex.getMessage());
			return;
		}
		try {
			this.publisher.execute(new Publication(event));
		}
		catch (RejectedExecutionException ex) {
			failed(event, this.publisher.isShutdown() ? "the worker is stopping"
					: "dropped, the events before it still wait for the broker");
		}
	}

	private void publish(StreamEvent event) {
		Message message = EventMessages.toMessage(event, this.codec.encode(event));
		CorrelationData correlation = new CorrelationData(event.eventId().toString());
		try {
			this.rabbit.send(EventTopology.EXCHANGE, event.routingKey(), message, correlation);
			CorrelationData.Confirm confirm = correlation.getFuture()
				.get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (!confirm.ack()) {
				failed(event, "the broker refused it: " + confirm.reason());
			}
			else if (correlation.getReturned() != null) {
				failed(event, "no queue is bound to " + EventTopology.EXCHANGE + " for it (is "
						+ EventTopology.LOG_QUEUE + " missing?)");
			}
			else {
				counter(event.routingKey(), "published").increment();
				log.debug("Published {} of {} ({})", event.routingKey(), event.session().stream(), event.eventId());
			}
		}
		catch (TimeoutException ex) {
			failed(event, "no confirm within " + CONFIRM_TIMEOUT.toSeconds() + " s");
		}
		catch (ExecutionException ex) {
			failed(event, String.valueOf(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failed(event, "the worker is stopping");
		}
		catch (RuntimeException ex) {
			failed(event, ex.getMessage());
		}
	}

	private void failed(StreamEvent event, @Nullable String reason) {
		counter(event.routingKey(), "failed").increment();
		log.warn("Could not publish {} of {} ({}): {}", event.routingKey(), event.session().stream(), event.eventId(),
				reason);
	}

	private Counter counter(String type, String outcome) {
		return Counter.builder("thumbnail.stream.events")
			.description("Stall and resume events of live streams, by whether the broker took them")
			.tag("type", type)
			.tag("outcome", outcome)
			.register(this.meters);
	}

	/** One event for the publishing thread. */
	private final class Publication implements Runnable {

		private final StreamEvent event;

		private Publication(StreamEvent event) {
			this.event = event;
		}

		StreamEvent event() {
			return this.event;
		}

		@Override
		public void run() {
			publish(this.event);
		}

	}

}
