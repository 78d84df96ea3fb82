package dev.streamctl.thumbnail.capture.messaging;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.MalformedEventException;
import dev.streamctl.thumbnail.capture.CaptureService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Reads every stream event from this worker's own control queue (exclusive, bound to all
 * events) and hands it to the {@link CaptureService}: how an unpublish reaches the worker
 * that runs the capture.
 */
@Component
class ControlListener {

	private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

	private final CaptureService captures;

	private final EventCodec codec;

	ControlListener(CaptureService captures, EventCodec codec) {
		this.captures = captures;
		this.codec = codec;
	}

	@RabbitListener(id = "control", queues = "#{controlQueue.name()}", containerFactory = "controlListenerFactory")
	void onEvent(Message message) {
		try {
			this.captures.observed(this.codec.decode(message.getBody()));
		}
		catch (MalformedEventException ex) {
			log.warn("Ignoring a control message that is not an event: {}", ex.getMessage());
		}
	}

}
