package dev.streamctl.gateway.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamctl.common.topology.EventTopology;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Publishes the hook path's events from one thread, in the order the hooks handed them
 * over: whatever accumulated while the previous burst went out is sent as one burst on
 * one channel. The broker then confirms many messages with one frame, as it does for a
 * pipelining publisher, instead of one channel and one confirm per hook, which cost it
 * about three times the CPU per message and the gateway a channel checkout and thread
 * hand-offs per hook. Each hook still waits for its own confirm ({@link Publish}).
 *
 * <p>
 * A hook whose deadline passes while its event is still queued withdraws it
 * ({@link Publish#withdraw()}), so that an event goes to the spool instead of the broker,
 * never to both.
 */
@Component
class HookPublisher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(HookPublisher.class);

	/** Most events in one burst. */
	static final int MAX_BURST = 256;

	/** How long the publisher keeps its channel with nothing to send. */
	static final long IDLE_RELEASE_MILLIS = 1000;

	/** Most events waiting for the publisher thread; past it hooks go to the spool. */
	static final int CAPACITY = 8192;

	/** Stops after the web server (a lower phase stops later). */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final RabbitTemplate rabbit;

	private final BlockingQueue<Publish> queue = new ArrayBlockingQueue<>(CAPACITY);

	private final DistributionSummary bursts;

	private volatile @Nullable Thread thread;

	HookPublisher(RabbitTemplate rabbit, MeterRegistry meters) {
		this.rabbit = rabbit;
		this.bursts = DistributionSummary.builder("gateway.publisher.burst")
			.description("Events the hook path's publisher sent together on one channel")
			.baseUnit("events")
			.register(meters);
		Gauge.builder("gateway.publisher.queue", this.queue, BlockingQueue::size)
			.description("Events waiting for the hook path's publisher")
			.register(meters);
	}

	/**
	 * Queues an event; answers its publish, or {@code null} when the queue is full or the
	 * publisher stopped.
	 */
	@Nullable Publish submit(String routingKey, Message message, CorrelationData correlation) {
		Publish publish = new Publish(routingKey, message, correlation);
		return (this.thread != null && this.queue.offer(publish)) ? publish : null;
	}

	@Override
	public void start() {
		Thread publisher = new Thread(this::run, "hook-publisher");
		publisher.setDaemon(true);
		this.thread = publisher;
		publisher.start();
	}

	/**
	 * Stops after the web server (a lower phase stops later), refusing what is still
	 * queued: those hooks spool.
	 */
	@Override
	public void stop() {
		Thread publisher = this.thread;
		this.thread = null;
		if (publisher != null) {
			publisher.interrupt();
		}
		List<Publish> left = new ArrayList<>();
		this.queue.drainTo(left);
		left.forEach(publish -> publish.refuse("the gateway is stopping"));
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void run() {
		List<Publish> burst = new ArrayList<>(MAX_BURST);
		while (this.thread == Thread.currentThread()) {
			try {
				Publish first = this.queue.poll(1, TimeUnit.SECONDS);
				if (first == null) {
					continue;
				}
				burst.add(first);
				publishOnOneChannel(burst);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (RuntimeException ex) {
				log.warn("Publishing a burst of {} events failed: {}", burst.size(), ex.getMessage());
				burst.forEach(publish -> publish.refuse(ex.getMessage()));
			}
			finally {
				burst.clear();
			}
		}
	}

	// invoke()'s callback may answer null (OperationsCallback<T extends @Nullable
	// Object>): a bound javac 17 does not read from bytecode, so NullAway cannot see it
	@SuppressWarnings("NullAway")
	private void publishOnOneChannel(List<Publish> burst) {
		this.rabbit.invoke(operations -> {
			publishWhileBusy(operations, burst);
			return null;
		});
	}

	/**
	 * Sends bursts on the one channel of this {@code invoke} until no event came for
	 * {@link #IDLE_RELEASE_MILLIS} or the channel failed. Keeping the channel spares a
	 * channel checkout per burst, and its return to the cache, which with confirms
	 * outstanding hands the channel to another thread to wait for them.
	 */
	private void publishWhileBusy(RabbitOperations operations, List<Publish> burst) {
		while (true) {
			this.queue.drainTo(burst, MAX_BURST - burst.size());
			this.bursts.record(burst.size());
			boolean sent = send(operations, burst);
			burst.clear();
			if (!sent || this.thread != Thread.currentThread()) {
				return;
			}
			Publish next;
			try {
				next = this.queue.poll(IDLE_RELEASE_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (next == null) {
				return;
			}
			burst.add(next);
		}
	}

	/**
	 * Sends a burst; answers false when the channel failed (the event that failed and the
	 * rest are refused).
	 */
	private boolean send(RabbitOperations operations, List<Publish> burst) {
		for (int i = 0; i < burst.size(); i++) {
			Publish publish = burst.get(i);
			if (!publish.claim()) {
				continue;
			}
			try {
				operations.send(EventTopology.EXCHANGE, publish.routingKey, publish.message, publish.correlation);
			}
			catch (AmqpException ex) {
				// the channel is gone: this event and the rest of the burst were not sent
				publish.refuse(ex.getMessage());
				burst.subList(i + 1, burst.size()).forEach(rest -> rest.refuse(ex.getMessage()));
				log.warn("Publishing an event failed ({}); {} events go to the spool", ex.getMessage(),
						burst.size() - i);
				return false;
			}
		}
		return true;
	}

	/**
	 * One event on its way: queued, then sent (its confirm completes the correlation), or
	 * withdrawn.
	 */
	static final class Publish {

		private static final int QUEUED = 0;

		private static final int SENT = 1;

		private static final int WITHDRAWN = 2;

		private final String routingKey;

		private final Message message;

		private final CorrelationData correlation;

		private final AtomicInteger state = new AtomicInteger(QUEUED);

		private Publish(String routingKey, Message message, CorrelationData correlation) {
			this.routingKey = routingKey;
			this.message = message;
			this.correlation = correlation;
		}

		/**
		 * Takes the event back if it was not sent yet; answers whether it was (it then
		 * never reaches the broker).
		 */
		boolean withdraw() {
			return this.state.compareAndSet(QUEUED, WITHDRAWN);
		}

		private boolean claim() {
			return this.state.compareAndSet(QUEUED, SENT);
		}

		/** Completes the correlation as a nack: the waiting hook spools the event. */
		private void refuse(@Nullable String reason) {
			this.state.compareAndSet(QUEUED, WITHDRAWN);
			this.correlation.getFuture().complete(new CorrelationData.Confirm(false, reason));
		}

	}

}
