package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.topology.ThumbnailTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Settles capture jobs with the broker: acknowledged when done with, handed back when
 * this worker stops, or parked in the retry queue (with its attempt count) to come back
 * after a delay. A job whose channel is already closed needs nothing: the broker has
 * requeued it.
 */
@Component
class JobSettlement {

	static final String ATTEMPTS_HEADER = "x-capture-attempts";

	private static final Logger log = LoggerFactory.getLogger(JobSettlement.class);

	private static final long CONFIRM_TIMEOUT_SECONDS = 10;

	private final RabbitTemplate rabbit;

	private final EventCodec codec;

	private final CaptureMetrics metrics;

	JobSettlement(RabbitTemplate rabbit, EventCodec codec, CaptureMetrics metrics) {
		this.rabbit = rabbit;
		this.codec = codec;
		this.metrics = metrics;
	}

	void ack(CaptureJob job, String outcome) {
		this.metrics.job(outcome);
		settle(job, true);
	}

	void requeue(CaptureJob job) {
		this.metrics.job("handed_back");
		settle(job, false);
	}

	/**
	 * Parks the job for {@link ThumbnailTopology#RETRY_DELAY_MILLIS}, then acknowledges
	 * the original, but only once the broker confirmed the parked copy: otherwise the
	 * original is handed back, so the job is never lost.
	 */
	void retryLater(CaptureJob job) {
		Message retry = EventMessages.toMessage(job.event(), this.codec.encode(job.event()));
		retry.getMessageProperties().setHeader(ATTEMPTS_HEADER, job.attempts() + 1);
		try {
			CorrelationData correlation = new CorrelationData(job.event().eventId() + "/" + (job.attempts() + 1));
			this.rabbit.send("", ThumbnailTopology.RETRY_QUEUE, retry, correlation);
			CorrelationData.Confirm confirm = correlation.getFuture().get(CONFIRM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			if (!confirm.ack() || correlation.getReturned() != null) {
				throw new AmqpException("the broker did not take it ("
						+ (confirm.ack() ? "unroutable" : "nack: " + confirm.reason()) + ")");
			}
			ack(job, "retried");
		}
		catch (AmqpException | ExecutionException | TimeoutException ex) {
			log.warn("Could not park a capture job; handing it back: {}", ex.getMessage());
			requeue(job);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			requeue(job);
		}
	}

	private void settle(CaptureJob job, boolean ack) {
		if (!job.channel().isOpen()) {
			return;
		}
		try {
			if (ack) {
				job.channel().basicAck(job.tag(), false);
			}
			else {
				job.channel().basicNack(job.tag(), false, true);
			}
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Could not settle capture job {}: {}", job.event().eventId(), ex.getMessage());
		}
	}

}
