package dev.streamctl.gateway.delivery;

import com.rabbitmq.client.ShutdownSignalException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionBlockedEvent;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.connection.ConnectionUnblockedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether the broker can take a publish right now: connected and not blocked by a
 * resource alarm. A hook publishes directly only while this says so; otherwise it goes
 * straight to the spool and never waits on a connection attempt. The spool drainer is the
 * one that reconnects.
 */
@Component
class BrokerLink implements ConnectionListener {

	private static final Logger log = LoggerFactory.getLogger(BrokerLink.class);

	private volatile boolean connected;

	private volatile boolean blocked;

	BrokerLink(AbstractConnectionFactory connectionFactory) {
		connectionFactory.addConnectionListener(this);
	}

	boolean isUp() {
		return this.connected && !this.blocked;
	}

	boolean isConnected() {
		return this.connected;
	}

	@Override
	public void onCreate(@Nullable Connection connection) {
		if (!this.connected) {
			log.info("Connected to the broker; hooks publish directly again");
		}
		this.connected = true;
	}

	@Override
	public void onClose(Connection connection) {
		down("closed");
	}

	@Override
	public void onShutDown(ShutdownSignalException signal) {
		down(signal.getMessage());
	}

	@Override
	public void onFailed(Exception exception) {
		down(exception.getMessage());
	}

	@EventListener
	void blocked(ConnectionBlockedEvent event) {
		log.warn("The broker blocked publishing ({}); events go to the spool until it unblocks", event.getReason());
		this.blocked = true;
	}

	@EventListener
	void unblocked(ConnectionUnblockedEvent event) {
		log.info("The broker unblocked publishing");
		this.blocked = false;
	}

	private void down(@Nullable String why) {
		if (this.connected) {
			log.warn("Lost the broker connection ({}); events go to the spool until it is back", why);
		}
		this.connected = false;
	}

}
