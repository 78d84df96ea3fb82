package dev.streamctl.gateway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.topology.EventTopology;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A queue of the test's own, bound to every event in the test's vhost (heartbeats
 * included), read over a direct connection to the broker (not through any proxy the test
 * cuts). {@link #next()} and {@link #drain()} read stream events, and fail on a
 * heartbeat; {@link #nextEvent()} and {@link #drainEvents()} read any event.
 */
public final class EventTap implements AutoCloseable {

	private final CachingConnectionFactory connectionFactory;

	private final RabbitTemplate rabbit;

	private final Queue queue = new Queue("tap-" + UUID.randomUUID(), false, true, false);

	private final EventCodec codec = new EventCodec();

	public EventTap(TestBroker broker, String vhost) {
		this.connectionFactory = new CachingConnectionFactory(broker.host(), broker.port());
		this.connectionFactory.setUsername(broker.username());
		this.connectionFactory.setPassword(broker.password());
		this.connectionFactory.setVirtualHost(vhost);
		this.rabbit = new RabbitTemplate(this.connectionFactory);
		RabbitAdmin admin = new RabbitAdmin(this.connectionFactory);
		TopicExchange exchange = new TopicExchange(EventTopology.EXCHANGE, true, false);
		admin.declareExchange(exchange);
		admin.declareQueue(this.queue);
		admin.declareBinding(BindingBuilder.bind(this.queue).to(exchange).with("#"));
	}

	/** The next message, waiting up to ten seconds; fails when none comes. */
	public Message nextMessage() {
		Message message = this.rabbit.receive(this.queue.getName(), 10_000);
		if (message == null) {
			throw new AssertionError("no event reached the broker within 10 s");
		}
		return message;
	}

	public StreamEvent next() {
		return decode(nextMessage());
	}

	public SrsEvent nextEvent() {
		return decodeEvent(nextMessage());
	}

	/** Every message waiting now, without waiting for more. */
	public List<StreamEvent> drain() {
		return drainEvents().stream().map(event -> (StreamEvent) event).toList();
	}

	/** Every message waiting now, whatever its event, without waiting for more. */
	public List<SrsEvent> drainEvents() {
		List<SrsEvent> events = new ArrayList<>();
		Message message;
		while ((message = this.rabbit.receive(this.queue.getName())) != null) {
			events.add(decodeEvent(message));
		}
		return events;
	}

	public StreamEvent decode(Message message) {
		return this.codec.decode(message.getBody());
	}

	public SrsEvent decodeEvent(Message message) {
		return this.codec.decode(message.getBody(), SrsEvent.class);
	}

	/** Ids of the events, first sighting only: at-least-once delivery may repeat one. */
	public static List<UUID> distinctIds(List<StreamEvent> events) {
		return events.stream().map(StreamEvent::eventId).distinct().toList();
	}

	@Override
	public void close() {
		this.connectionFactory.destroy();
	}

}
