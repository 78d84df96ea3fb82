package dev.streamctl.gateway.delivery;

import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.event.StreamEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.stereotype.Service;

/**
 * Hands an event durably to the broker within a deadline: it returns once RabbitMQ confirmed the event, or,
 * when the broker is down, blocked, slow beyond {@link DeliverySettings#confirmDeadline()}, or earlier events
 * of the same stream wait in the spool, once the event is forced to the local spool. It never throws for broker
 * trouble: SRS refuses a streamer on any error answer and never retries a hook.
 *
 * <p>While the spool holds events of a stream, that stream's new events join it behind them, so that one
 * stream's events reach the broker in the order they came; other streams keep publishing directly. An event that went to the spool after its confirm was late may reach the broker
 * twice (at-least-once; consumers drop duplicates by {@code eventId}); when the late confirm does come, its
 * spool entry is dropped to keep such duplicates rare.
 */
@Service
public class EventDelivery {

	private static final Logger log = LoggerFactory.getLogger(EventDelivery.class);

	private final HookPublisher publisher;

	private final EventSpool spool;

	private final BrokerLink broker;

	private final EventCodec codec;

	private final long deadlineNanos;

	private final Timer confirmLatency;

	private final Counter confirmed;

	private final Counter spooled;

	private final Counter lost;

	EventDelivery(HookPublisher publisher, EventSpool spool, BrokerLink broker, EventCodec codec,
			DeliverySettings settings, MeterRegistry meters) {
		this.publisher = publisher;
		this.spool = spool;
		this.broker = broker;
		this.codec = codec;
		this.deadlineNanos = settings.confirmDeadline().toNanos();
		this.confirmLatency = Timer.builder("gateway.broker.confirm")
			.description("Time from publishing an event to the broker's confirm, on the hook path")
			.publishPercentileHistogram()
			.register(meters);
		this.confirmed = outcomeCounter(meters, DeliveryOutcome.CONFIRMED);
		this.spooled = outcomeCounter(meters, DeliveryOutcome.SPOOLED);
		this.lost = outcomeCounter(meters, DeliveryOutcome.LOST);
	}

	public DeliveryOutcome deliver(StreamEvent event) {
		byte[] body = this.codec.encode(event);
		CorrelationData unconfirmed = null;
		if (!this.spool.holds(stream(event)) && this.broker.isUp()) {
			CorrelationData correlation = new CorrelationData(event.eventId().toString());
			Attempt attempt = publishConfirmed(event, body, correlation);
			if (attempt == Attempt.CONFIRMED) {
				this.confirmed.increment();
				return DeliveryOutcome.CONFIRMED;
			}
			unconfirmed = (attempt == Attempt.UNCONFIRMED) ? correlation : null;
		}
		DeliveryOutcome outcome = toSpool(event, body);
		if (unconfirmed != null && outcome == DeliveryOutcome.SPOOLED) {
			dropFromSpoolOnLateConfirm(event, unconfirmed);
		}
		return outcome;
	}

	/** Hands the event to the publisher and waits for its confirm until the deadline. */
	private Attempt publishConfirmed(StreamEvent event, byte[] body, CorrelationData correlation) {
		long start = System.nanoTime();
		HookPublisher.Publish publish = this.publisher.submit(event.routingKey(), EventMessages.toMessage(event, body),
				correlation);
		if (publish == null) {
			log.debug("The publisher's queue is full; spooling event {}", event.eventId());
			return Attempt.NOT_SENT;
		}
		try {
			CorrelationData.Confirm confirm = correlation.getFuture().get(this.deadlineNanos, TimeUnit.NANOSECONDS);
			if (confirm.ack() && correlation.getReturned() == null) {
				this.confirmLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				return Attempt.CONFIRMED;
			}
			log.warn("The broker did not take event {} ({}); spooling it", event.eventId(),
					confirm.ack() ? "returned unroutable" : "nack: " + confirm.reason());
		}
		catch (TimeoutException ex) {
			log.debug("No confirm for event {} within the deadline; spooling it", event.eventId());
		}
		catch (ExecutionException ex) {
			log.warn("Publishing event {} failed ({}); spooling it", event.eventId(), ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return publish.withdraw() ? Attempt.NOT_SENT : Attempt.UNCONFIRMED;
	}

	private void dropFromSpoolOnLateConfirm(StreamEvent event, CorrelationData correlation) {
		correlation.getFuture().thenAccept(confirm -> {
			if (confirm.ack() && correlation.getReturned() == null) {
				this.spool.remove(event.eventId());
			}
		});
	}

	private DeliveryOutcome toSpool(StreamEvent event, byte[] body) {
		try {
			this.spool.append(event.eventId(), stream(event), body);
			this.spooled.increment();
			return DeliveryOutcome.SPOOLED;
		}
		catch (SpoolFullException | UncheckedIOException ex) {
			this.lost.increment();
			log.error("Event {} ({} of {}) is lost: {}", event.eventId(), event.routingKey(), event.session(),
					ex.getMessage());
			return DeliveryOutcome.LOST;
		}
	}

	private static String stream(StreamEvent event) {
		return event.session().stream().value();
	}

	private static Counter outcomeCounter(MeterRegistry meters, DeliveryOutcome outcome) {
		return Counter.builder("gateway.events")
			.description("Events handed off by the hook path, by outcome")
			.tag("outcome", outcome.tag())
			.register(meters);
	}

	/** How a direct publish ended: confirmed, never sent (withdrawn or refused), or sent without a confirm in time. */
	private enum Attempt {

		CONFIRMED, NOT_SENT, UNCONFIRMED

	}

}
