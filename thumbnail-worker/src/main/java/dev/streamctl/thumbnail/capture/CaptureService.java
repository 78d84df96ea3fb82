package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelStore;
import dev.streamctl.store.DirectoryException;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.srs.SrsServers.Liveness;
import dev.streamctl.srs.SrsServers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Service;

/**
 * This worker's captures, one per stream it holds the lock of. A job starts a capture
 * unless this worker already runs it (the job is a duplicate), another worker does (the
 * job waits and retries, in case that capture is ending, then counts as a duplicate), or
 * the stream is over: SRS no longer lists it, or the job is older than {@code maxJobAge}
 * and the store holds the channel as offline. Such a job is settled without a connection,
 * so a backlog of ended streams costs one SRS read per second, whatever its size.
 * <p>
 * A capture belongs to the SRS session whose publish started it ({@link Sessions}): the
 * unpublish of that session stops it, or hands it to a newer session of the stream; the
 * end of any other session leaves it running. On shutdown every job is handed back to the
 * broker at once; when the broker connection is lost every capture stops, since its lock
 * and job went with the connection. Stops never wait for a capture's thread, so many
 * finish together.
 */
@Service
public class CaptureService implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(CaptureService.class);

	private final Map<String, StreamCapture> captures = new ConcurrentHashMap<>();

	private final ChannelStore store;

	private final StreamLock lock;

	private final Settlement settlement;

	private final ThumbnailFiles files;

	private final CaptureMetrics metrics;

	private final CaptureSettings settings;

	private final SrsServers srs;

	private final TaskScheduler scheduler;

	private final Clock clock;

	private final StreamCapture.Factory captureFactory;

	private @Nullable ScheduledFuture<?> watchdog;

	@Autowired
	CaptureService(ChannelStore store, StreamLock lock, Settlement settlement, ThumbnailFiles files,
			CaptureMetrics metrics, CaptureSettings settings, SrsServers srs, TaskScheduler scheduler,
			MeterRegistry meters, Clock clock, HttpClient client, DecodePool pool, StallReports stalls) {
		this(store, lock, settlement, files, metrics, settings, srs, scheduler, meters, clock,
				(job, channel, liveness) -> new TapCapture(channel, new Sessions(job), settings, client, pool, metrics,
						stalls, liveness));
	}

	/**
	 * @param clock the time thumbnail ages and stalls are measured at
	 * @param captureFactory makes the capture of a job's stream
	 */
	CaptureService(ChannelStore store, StreamLock lock, Settlement settlement, ThumbnailFiles files,
			CaptureMetrics metrics, CaptureSettings settings, SrsServers srs, TaskScheduler scheduler,
			MeterRegistry meters, Clock clock, StreamCapture.Factory captureFactory) {
		this.store = store;
		this.lock = lock;
		this.settlement = settlement;
		this.files = files;
		this.metrics = metrics;
		this.settings = settings;
		this.srs = srs;
		this.scheduler = scheduler;
		this.clock = clock;
		this.captureFactory = captureFactory;
		Gauge.builder("thumbnail.captures.active", this.captures, Map::size)
			.description("Captures this worker runs")
			.register(meters);
		Gauge.builder("thumbnail.oldest.age", this, CaptureService::oldestThumbnailAgeSeconds)
			.description("Age of the oldest thumbnail among the streams this worker captures")
			.baseUnit("seconds")
			.register(meters);
		Gauge.builder("thumbnail.streams.stalled", this, CaptureService::stalledStreams)
			.description("Streams this worker captures that sent no video for the stall time")
			.register(meters);
	}

	/** A capture job arrived. */
	public void requested(CaptureJob job) {
		StreamPublished event = job.event();
		String key = event.session().stream().value();
		StreamCapture running = this.captures.get(key);
		if (running != null) {
			running.sessions().published(event);
			if (!running.holdRedelivered(job)) {
				this.settlement.ack(job, "duplicate");
			}
			return;
		}
		if (!this.settings.streamNamePattern().matcher(key).matches()) {
			log.warn("Not capturing {}: its name is outside the allowed set", event.session().stream());
			this.settlement.ack(job, "invalid");
			return;
		}
		Liveness live = this.srs.liveness(event.session().app(), key);
		if (live == Liveness.GONE) {
			log.debug("Not capturing {}: SRS no longer lists it", event.session().stream());
			this.settlement.ack(job, "ended");
			return;
		}
		Optional<Channel> channel;
		try {
			channel = this.store.find(event.session().stream());
		}
		catch (DirectoryException ex) {
			log.warn("Cannot look up the channel of {} now: {}", event.session().stream(), ex.getMessage());
			this.settlement.retryLater(job);
			return;
		}
		if (channel.isEmpty()) {
			log.warn("No channel has stream key {}; not capturing", event.session().stream());
			this.settlement.ack(job, "unknown_channel");
			return;
		}
		if (live == Liveness.UNKNOWN && !channel.get().live() && isOld(event)) {
			log.debug("Not capturing {}: the job is older than {} and the channel is offline", event.session().stream(),
					this.settings.maxJobAge());
			this.settlement.ack(job, "stale");
			return;
		}
		if (!this.lock.acquire(channel.get().publicName())) {
			if (job.attempts() < this.settings.lockRetries()) {
				this.settlement.retryLater(job);
			}
			else {
				this.settlement.ack(job, "duplicate");
			}
			return;
		}
		StreamCapture capture = this.captureFactory.create(job, channel.get(), this::liveness);
		this.captures.put(key, capture);
		capture.start();
		this.metrics.job("started");
		log.info("Capturing {} as {}.jpg", event.session().stream(), channel.get().publicName());
	}

	/** A stream event seen by this worker's control queue. */
	public void observed(StreamEvent event) {
		StreamCapture capture = this.captures.get(event.session().stream().value());
		if (capture == null) {
			return;
		}
		if (event instanceof StreamPublished published) {
			capture.sessions().published(published);
		}
		else if (event instanceof StreamUnpublished unpublished) {
			switch (capture.sessions().unpublished(unpublished)) {
				case STOP -> finish(capture, "stopped");
				case HANDED_ON ->
					log.info("The capture of {} goes on for the stream's newer session", event.session().stream());
				case IGNORE ->
					log.debug("Capture of {} goes on: the unpublish was of another session", event.session().stream());
			}
		}
	}

	/** The broker connection is gone, and with it every lock and job of this worker. */
	public void connectionLost() {
		if (!this.captures.isEmpty()) {
			log.warn("Broker connection lost: stopping {} captures; their jobs go back to the pool",
					this.captures.size());
		}
		this.captures.values().forEach(capture -> {
			capture.stop();
			this.captures.remove(capture.session().session().stream().value(), capture);
		});
	}

	int activeCaptures() {
		return this.captures.size();
	}

	private boolean isOld(StreamPublished event) {
		return event.occurredAt().plus(this.settings.maxJobAge()).isBefore(this.clock.instant());
	}

	private void finish(StreamCapture capture, String outcome) {
		if (!this.captures.remove(capture.session().session().stream().value(), capture)) {
			return;
		}
		capture.stop();
		if (!this.settings.keepLastThumbnail()) {
			deleteThumbnail(capture);
		}
		this.lock.release(capture.channel().publicName());
		this.settlement.ack(capture.job(), outcome);
		log.info("Stopped capturing {} ({})", capture.session().session().stream(), outcome);
	}

	private void handBack(StreamCapture capture) {
		this.captures.remove(capture.session().session().stream().value(), capture);
		capture.stop();
		this.lock.release(capture.channel().publicName());
		this.settlement.requeue(capture.job());
	}

	private Liveness liveness(StreamCapture capture) {
		return this.srs.liveness(capture.session().session().app(), capture.session().session().stream().value());
	}

	/**
	 * Finishes the captures that ended or gave up, and checks the others for stalls;
	 * every second.
	 */
	void watch() {
		Instant now = this.clock.instant();
		for (StreamCapture capture : this.captures.values()) {
			String ended = capture.endedBecause();
			if (ended != null || !capture.isRunning()) {
				finish(capture, (ended != null) ? ended : "given_up");
			}
			else {
				capture.watch(now);
			}
		}
	}

	private double oldestThumbnailAgeSeconds() {
		Instant now = this.clock.instant();
		return this.captures.values()
			.stream()
			.map(StreamCapture::lastFrame)
			.filter(last -> last != null)
			.mapToDouble(last -> Duration.between(last, now).toMillis() / 1000.0)
			.max()
			.orElse(0);
	}

	private double stalledStreams() {
		return this.captures.values().stream().filter(StreamCapture::stalled).count();
	}

	private void deleteThumbnail(StreamCapture capture) {
		try {
			this.files.delete(capture.channel().publicName());
		}
		catch (IOException ex) {
			log.warn("Could not delete the thumbnail of a stopped capture: {}", ex.getMessage());
		}
	}

	@Override
	public void start() {
		this.watchdog = this.scheduler.scheduleWithFixedDelay(this::watch, Duration.ofSeconds(1));
	}

	/**
	 * A rolling deploy: every job goes back to the broker at once, for another worker to
	 * take.
	 */
	@Override
	public void stop() {
		if (this.watchdog != null) {
			this.watchdog.cancel(false);
		}
		this.captures.values().forEach(this::handBack);
	}

	@Override
	public boolean isRunning() {
		return this.watchdog != null && !this.watchdog.isCancelled();
	}

	/**
	 * Stops before the listener containers, so jobs are handed back over a live channel.
	 */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
