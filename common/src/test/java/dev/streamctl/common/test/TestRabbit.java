package dev.streamctl.common.test;

import java.util.concurrent.TimeUnit;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.topology.EventTopology;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A test's own connection to its vhost: publishes events as the gateway does, reads and
 * counts queues.
 */
public final class TestRabbit implements AutoCloseable {

	private final CachingConnectionFactory connectionFactory;

	private final RabbitTemplate rabbit;

	private final RabbitAdmin admin;

	private final EventCodec codec = new EventCodec();

	public TestRabbit(TestBroker broker, String vhost) {
		this.connectionFactory = new CachingConnectionFactory(broker.host(), broker.port());
		this.connectionFactory.setUsername(broker.username());
		this.connectionFactory.setPassword(broker.password());
		this.connectionFactory.setVirtualHost(vhost);
		this.connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		this.rabbit = new RabbitTemplate(this.connectionFactory);
		this.admin = new RabbitAdmin(this.connectionFactory);
	}

	/**
	 * Publishes an event to the event exchange, as the gateway does, and waits for the
	 * confirm.
	 */
	public void publish(SrsEvent event) {
		send(EventTopology.EXCHANGE, event.routingKey(), EventMessages.toMessage(event, this.codec.encode(event)));
	}

	public void send(String exchange, String routingKey, Message message) {
		CorrelationData correlation = new CorrelationData();
		this.rabbit.send(exchange, routingKey, message, correlation);
		try {
			if (!correlation.getFuture().get(10, TimeUnit.SECONDS).ack()) {
				throw new AssertionError("the broker refused a test message");
			}
		}
		catch (Exception ex) {
			throw new AssertionError("no confirm for a test message", ex);
		}
	}

	/** The next message of a queue, or null when none comes within a second. */
	public Message receive(String queue) {
		return this.rabbit.receive(queue, 1000);
	}

	public long messageCount(String queue) {
		var info = this.admin.getQueueInfo(queue);
		return (info == null) ? 0 : info.getMessageCount();
	}

	public RabbitAdmin admin() {
		return this.admin;
	}

	@Override
	public void close() {
		this.connectionFactory.destroy();
	}

}
