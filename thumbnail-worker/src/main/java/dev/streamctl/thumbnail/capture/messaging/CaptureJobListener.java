package dev.streamctl.thumbnail.capture.messaging;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.MalformedEventException;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.thumbnail.capture.CaptureJob;
import dev.streamctl.thumbnail.capture.CaptureService;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Takes capture jobs from {@link ThumbnailTopology#JOBS_QUEUE}, at most the worker's
 * capacity at once (the prefetch), and hands them to the {@link CaptureService}, which
 * settles them. A job that is not a publish event is acknowledged, logged and counted.
 */
@Component
class CaptureJobListener {

	private static final Logger log = LoggerFactory.getLogger(CaptureJobListener.class);

	private final CaptureService captures;

	private final EventCodec codec;

	private final MeterRegistry meters;

	CaptureJobListener(CaptureService captures, EventCodec codec, MeterRegistry meters) {
		this.captures = captures;
		this.codec = codec;
		this.meters = meters;
	}

	@RabbitListener(id = "captureJobs", queues = ThumbnailTopology.JOBS_QUEUE,
			containerFactory = "captureJobListenerFactory")
	void onJob(Message message, Channel channel) throws IOException {
		long tag = message.getMessageProperties().getDeliveryTag();
		StreamEvent event;
		try {
			event = this.codec.decode(message.getBody());
		}
		catch (MalformedEventException ex) {
			log.error("Dropping capture job {}: {}", message.getMessageProperties().getMessageId(), ex.getMessage());
			this.meters.counter("thumbnail.jobs", "outcome", "malformed").increment();
			channel.basicAck(tag, false);
			return;
		}
		if (!(event instanceof StreamPublished published)) {
			this.meters.counter("thumbnail.jobs", "outcome", "malformed").increment();
			channel.basicAck(tag, false);
			return;
		}
		Integer attempts = message.getMessageProperties().getHeader("x-capture-attempts");
		this.captures.requested(new CaptureJob(published, channel, tag, (attempts == null) ? 0 : attempts));
	}

}
