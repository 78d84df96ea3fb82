package dev.streamctl.status.reconcile.messaging;

import java.io.IOException;
import java.util.Properties;

import com.rabbitmq.client.Channel;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.status.reconcile.Leadership;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.support.AmqpHeaders;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

/**
 * Leadership through the broker: {@link StatusTopology#LEADER_QUEUE} has a single active
 * consumer and holds a token message. The instance holding a token unacknowledged leads;
 * when it dies its channel closes, the broker hands the token to the next consumer, and
 * that instance leads. A token received while one is held is an extra (two instances
 * started at once) and is discarded. Renewing publishes a fresh token and releases the
 * held one only when the fresh one arrives, so a token always exists and none is held
 * past the broker's consumer timeout.
 */
@Component
class LeaderToken implements Leadership {

	private static final Logger log = LoggerFactory.getLogger(LeaderToken.class);

	private final RabbitTemplate rabbit;

	private final AmqpAdmin admin;

	private @Nullable Channel heldOn;

	private long heldTag;

	private boolean renewing;

	LeaderToken(RabbitTemplate rabbit, AmqpAdmin admin) {
		this.rabbit = rabbit;
		this.admin = admin;
	}

	@RabbitListener(id = "leader", queues = StatusTopology.LEADER_QUEUE, ackMode = "MANUAL", concurrency = "1",
			autoStartup = "${status.consume:true}")
	synchronized void onToken(Message token, Channel channel, @Header(AmqpHeaders.DELIVERY_TAG) long tag)
			throws IOException {
		if (!isLeader() || this.heldOn != channel) {
			log.info("This instance now leads reconciliation");
			this.heldOn = channel;
			this.heldTag = tag;
		}
		else if (this.renewing) {
			channel.basicAck(this.heldTag, false);
			this.heldTag = tag;
			this.renewing = false;
		}
		else {
			channel.basicAck(tag, false);
		}
	}

	@Override
	public synchronized boolean isLeader() {
		return this.heldOn != null && this.heldOn.isOpen();
	}

	@Override
	public synchronized void renew() {
		if (isLeader() && !this.renewing) {
			this.renewing = true;
			publishToken();
		}
	}

	/**
	 * Puts a token in the queue when none waits and no other instance consumes it: a
	 * fresh broker.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void ensureToken() {
		Properties queue = this.admin.getQueueProperties(StatusTopology.LEADER_QUEUE);
		if (queue != null && !isLeader() && queue.get(RabbitAdmin.QUEUE_MESSAGE_COUNT) instanceof Number messages
				&& messages.intValue() == 0 && queue.get(RabbitAdmin.QUEUE_CONSUMER_COUNT) instanceof Number consumers
				&& consumers.intValue() <= 1) {
			publishToken();
		}
	}

	private void publishToken() {
		this.rabbit.send("", StatusTopology.LEADER_QUEUE,
				MessageBuilder.withBody(new byte[0]).setDeliveryMode(MessageDeliveryMode.PERSISTENT).build());
	}

}
