package dev.streamctl.gateway.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.common.codec.MalformedEventException;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.topology.EventTopology;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Moves spooled events to the broker, oldest first, on one thread: each batch is
 * published on one channel and an entry is removed only after its confirm. A failed drain
 * is retried after a pause that doubles up to {@link DeliverySettings#drainMaxBackoff()},
 * with jitter. It also opens the first broker connection at start-up, so hooks can
 * publish directly as soon as the broker answers.
 */
@Component
class SpoolDrainer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SpoolDrainer.class);

	private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

	private final EventSpool spool;

	private final RabbitTemplate rabbit;

	private final ConnectionFactory connectionFactory;

	private final EventCodec codec;

	private final DeliverySettings settings;

	private @Nullable ScheduledExecutorService executor;

	private long backoffMillis;

	SpoolDrainer(EventSpool spool, RabbitTemplate rabbit, ConnectionFactory connectionFactory, EventCodec codec,
			DeliverySettings settings) {
		this.spool = spool;
		this.rabbit = rabbit;
		this.connectionFactory = connectionFactory;
		this.codec = codec;
		this.settings = settings;
	}

	@Override
	public void start() {
		this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "spool-drainer");
			thread.setDaemon(true);
			return thread;
		});
		this.backoffMillis = this.settings.drainInterval().toMillis();
		if (this.spool.depth() > 0) {
			log.info("Resuming {} spooled events from {}", this.spool.depth(), this.spool.directory().toAbsolutePath());
		}
		this.executor.execute(this::connect);
		tickAfter(0);
	}

	@Override
	public void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null && !this.executor.isShutdown();
	}

	private void connect() {
		try {
			this.connectionFactory.createConnection().close();
		}
		catch (RuntimeException ex) {
			log.warn("The broker is not reachable yet ({}); hooks are spooled until it is", ex.getMessage());
		}
	}

	private void tick() {
		long pause = this.settings.drainInterval().toMillis();
		try {
			drain();
			this.backoffMillis = pause;
		}
		catch (RuntimeException ex) {
			log.warn("Draining the spool ({} events waiting) failed: {}; retrying in {} ms", this.spool.depth(),
					ex.getMessage(), this.backoffMillis);
			pause = this.backoffMillis + ThreadLocalRandom.current().nextLong(this.backoffMillis / 2 + 1);
			this.backoffMillis = Math.min(this.backoffMillis * 2, this.settings.drainMaxBackoff().toMillis());
		}
		tickAfter(pause);
	}

	// the future holds nothing to look at: tick() catches and logs its own failures
	@SuppressWarnings("FutureReturnValueIgnored")
	private void tickAfter(long pauseMillis) {
		if (this.executor != null && !this.executor.isShutdown()) {
			this.executor.schedule(this::tick, pauseMillis, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Publishes batches until the spool is empty; throws when the broker did not take a
	 * batch.
	 */
	void drain() {
		while (true) {
			List<EventSpool.Entry> batch = this.spool.oldest(this.settings.drainBatchSize());
			if (batch.isEmpty()) {
				return;
			}
			int sent = publishBatch(batch);
			log.info("Drained {} spooled events to the broker, {} still waiting", sent, this.spool.depth());
		}
	}

	private int publishBatch(List<EventSpool.Entry> batch) {
		return this.rabbit.invoke(operations -> {
			List<CorrelationData> confirms = new ArrayList<>(batch.size());
			List<EventSpool.Entry> sent = new ArrayList<>(batch.size());
			for (EventSpool.Entry entry : batch) {
				byte[] body = this.spool.read(entry);
				SrsEvent event = decode(entry, body);
				if (event == null) {
					continue;
				}
				CorrelationData correlation = new CorrelationData(entry.eventId().toString());
				operations.send(EventTopology.EXCHANGE, event.routingKey(), EventMessages.toMessage(event, body),
						correlation);
				confirms.add(correlation);
				sent.add(entry);
			}
			for (int i = 0; i < sent.size(); i++) {
				awaitConfirm(confirms.get(i));
				this.spool.remove(sent.get(i));
			}
			return sent.size();
		});
	}

	private @Nullable SrsEvent decode(EventSpool.Entry entry, byte[] body) {
		try {
			return this.codec.decode(body, SrsEvent.class);
		}
		catch (MalformedEventException ex) {
			log.error("Spooled file {} is not an event; set aside as {}: {}", entry.file(),
					this.spool.quarantine(entry), ex.getMessage());
			return null;
		}
	}

	private static void awaitConfirm(CorrelationData correlation) {
		CorrelationData.Confirm confirm;
		try {
			confirm = correlation.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for a confirm", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(
					"no confirm for event " + correlation.getId() + " within " + CONFIRM_TIMEOUT, ex);
		}
		if (!confirm.ack()) {
			throw new IllegalStateException(
					"the broker refused event " + correlation.getId() + ": " + confirm.reason());
		}
		if (correlation.getReturned() != null) {
			throw new IllegalStateException(
					"event " + correlation.getId() + " was unroutable: " + correlation.getReturned().getReplyText());
		}
	}

}
