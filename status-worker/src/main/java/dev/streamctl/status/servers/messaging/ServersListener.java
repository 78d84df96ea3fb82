package dev.streamctl.status.servers.messaging;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.MalformedEventException;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.status.servers.ServerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Reads this instance's servers queue (exclusive, bound to the heartbeats and the
 * live-state events) into {@link ServerRegistry}.
 */
@Component
class ServersListener {

	private static final Logger log = LoggerFactory.getLogger(ServersListener.class);

	private final ServerRegistry servers;

	private final EventCodec codec;

	private final MeterRegistry meters;

	ServersListener(ServerRegistry servers, EventCodec codec, MeterRegistry meters) {
		this.servers = servers;
		this.codec = codec;
		this.meters = meters;
	}

	@RabbitListener(id = "servers", queues = "#{serversQueue.name()}", containerFactory = "serversListenerFactory",
			autoStartup = "${status.consume:true}")
	void onEvent(Message message) {
		SrsEvent event;
		try {
			event = this.codec.decode(message.getBody(), SrsEvent.class);
		}
		catch (MalformedEventException ex) {
			log.warn("Ignoring a message of the servers queue that is not an event: {}", ex.getMessage());
			this.meters.counter("status.servers.events", "type", "malformed").increment();
			return;
		}
		if (event instanceof SrsHeartbeat heartbeat) {
			this.servers.heartbeat(heartbeat);
		}
		else if (event instanceof StreamPublished published) {
			this.servers.published(published);
		}
		else if (event instanceof StreamUnpublished unpublished) {
			this.servers.unpublished(unpublished);
		}
		this.meters.counter("status.servers.events", "type", event.routingKey()).increment();
	}

}
