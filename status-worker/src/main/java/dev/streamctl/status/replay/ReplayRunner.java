package dev.streamctl.status.replay;

import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.MalformedEventException;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.status.messaging.ConfirmedSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Re-applies the events of the {@code srs.events.log} stream from a given time: each
 * event that changes live state is sent, marked as a replay, to the status worker's queue
 * only (thumbnail workers are not disturbed), where the usual rules make re-applying
 * safe; informational events (stalled, resumed) and the SRS servers' heartbeats are left
 * out, and counted. Stops once it reaches events newer than its own start, or the log
 * stays silent, then exits. The stream consumer never rejects: a message it cannot read
 * is counted and skipped, since a rejection on a stream closes the connection on RabbitMQ
 * before 3.13.
 */
@Component
@Profile("replay")
class ReplayRunner implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(ReplayRunner.class);

	private final ConnectionFactory connectionFactory;

	private final ConfirmedSender sender;

	private final EventCodec codec;

	private final ReplaySettings settings;

	private final ApplicationContext context;

	ReplayRunner(ConnectionFactory connectionFactory, ConfirmedSender sender, EventCodec codec, ReplaySettings settings,
			ApplicationContext context) {
		this.connectionFactory = connectionFactory;
		this.sender = sender;
		this.codec = codec;
		this.settings = settings;
		this.context = context;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		Instant started = Instant.now();
		Counts counts = new Counts(new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
		AtomicLong lastDelivery = new AtomicLong(System.nanoTime());
		AtomicBoolean caughtUp = new AtomicBoolean();
		try (Connection connection = this.connectionFactory.createConnection();
				Channel channel = connection.createChannel(false)) {
			channel.basicQos(500);
			String tag = channel.basicConsume(EventTopology.LOG_QUEUE, false, Map.of("x-stream-offset", offset()),
					new DefaultConsumer(channel) {
						@Override
						public void handleDelivery(String consumerTag, Envelope envelope,
								AMQP.BasicProperties properties, byte[] body) throws IOException {
							lastDelivery.set(System.nanoTime());
							if (!replay(body, started, counts)) {
								caughtUp.set(true);
							}
							channel.basicAck(envelope.getDeliveryTag(), false);
						}
					});
			while (!caughtUp.get() && System.nanoTime() - lastDelivery.get() < this.settings.idle().toNanos()) {
				Thread.sleep(100);
			}
			channel.basicCancel(tag);
		}
		log.info(
				"Replay from {} done: {} events re-applied, {} informational left out, {} heartbeats left out, "
						+ "{} skipped",
				this.settings.from(), counts.replayed().get(), counts.informational().get(), counts.heartbeats().get(),
				counts.skipped().get());
		System.exit(SpringApplication.exit(this.context, () -> 0));
	}

	/**
	 * Re-applies one log entry; answers false once the log has reached events newer than
	 * the replay.
	 */
	private boolean replay(byte[] body, Instant started, Counts counts) {
		SrsEvent event;
		try {
			event = this.codec.decode(body, SrsEvent.class);
		}
		catch (MalformedEventException ex) {
			counts.skipped().incrementAndGet();
			log.warn("Skipping a log entry: {}", ex.getMessage());
			return true;
		}
		if (event.occurredAt().isAfter(started)) {
			return false;
		}
		if (!(event instanceof StreamEvent stream)) {
			counts.heartbeats().incrementAndGet();
			return true;
		}
		if (!stream.changesLiveState()) {
			counts.informational().incrementAndGet();
			return true;
		}
		this.sender.send("", StatusTopology.EVENTS_QUEUE, stream.replayed());
		counts.replayed().incrementAndGet();
		return true;
	}

	/** What the replay did with the log entries, by kind. */
	private record Counts(AtomicInteger replayed, AtomicInteger skipped, AtomicInteger informational,
			AtomicInteger heartbeats) {
	}

	private Object offset() {
		String from = this.settings.from();
		return from.contains("T") ? Date.from(Instant.parse(from)) : from;
	}

}
