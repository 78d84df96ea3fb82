package dev.streamctl.status.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import dev.streamctl.common.event.StreamEvent;

import org.springframework.amqp.AmqpException;

/**
 * An {@link EventSender} that keeps what it was given, in order, as if the broker had
 * confirmed it; failures queued with {@link #failNext} are thrown instead, one send each,
 * and such a send is not kept.
 */
public final class RecordingSender implements EventSender {

	/** One confirmed send. */
	public record Sent(String exchange, String routingKey, StreamEvent event, Map<String, Object> headers) {
	}

	private final List<Sent> sent = new ArrayList<>();

	private final Queue<AmqpException> failures = new ArrayDeque<>();

	@Override
	public synchronized void send(String exchange, String routingKey, StreamEvent event, Map<String, Object> headers) {
		AmqpException failure = this.failures.poll();
		if (failure != null) {
			throw failure;
		}
		this.sent.add(new Sent(exchange, routingKey, event, Map.copyOf(headers)));
	}

	/**
	 * The next sends fail with these exceptions, one each, as an unconfirmed send does.
	 */
	public synchronized void failNext(AmqpException... next) {
		this.failures.addAll(List.of(next));
	}

	public synchronized List<Sent> sent() {
		return List.copyOf(this.sent);
	}

	public synchronized List<StreamEvent> events() {
		return this.sent.stream().map(Sent::event).toList();
	}

}
