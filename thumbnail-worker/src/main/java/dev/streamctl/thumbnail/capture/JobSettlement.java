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
 * <p>
 * A job handed back because this worker stops is {@code basic.nack}ed: from RabbitMQ 4.3
 * that does not count towards the job queue's delivery limit, so rolling deploys do not
 * use it up. A job returned because it could not be parked is {@code basic.reject}ed,
 * which counts on every version, so a job that can never be parked ends at the limit
 * instead of circling for ever (docs/rabbitmq-versions.md).
 */
@Component
class JobSettlement implements Settlement {

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

	@Override
	public void ack(CaptureJob job, String outcome) {
		this.metrics.job(outcome);
		settle(job, Settle.ACK);
	}

	@Override
	public void requeue(CaptureJob job) {
		this.metrics.job("handed_back");
		settle(job, Settle.HAND_BACK);
	}

	/**
	 * Parks the job for {@link ThumbnailTopology#RETRY_DELAY_MILLIS}, then acknowledges
	 * the original, but only once the broker confirmed the parked copy: otherwise the
	 * original is handed back, so the job is never lost.
	 */
	@Override
	public void retryLater(CaptureJob job) {
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
			returnFailed(job);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			returnFailed(job);
		}
	}

	private void returnFailed(CaptureJob job) {
		this.metrics.job("handed_back");
		settle(job, Settle.RETURN_FAILED);
	}

	private void settle(CaptureJob job, Settle how) {
		if (!job.channel().isOpen()) {
			return;
		}
		try {
			switch (how) {
				case ACK -> job.channel().basicAck(job.tag(), false);
				case HAND_BACK -> job.channel().basicNack(job.tag(), false, true);
				case RETURN_FAILED -> job.channel().basicReject(job.tag(), true);
			}
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Could not settle capture job {}: {}", job.event().eventId(), ex.getMessage());
		}
	}

	private enum Settle {

		ACK, HAND_BACK, RETURN_FAILED

	}

}
