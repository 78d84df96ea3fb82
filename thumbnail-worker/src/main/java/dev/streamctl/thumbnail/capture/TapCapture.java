package dev.streamctl.thumbnail.capture;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.thumbnail.capture.flv.FlvReadOutcome;
import dev.streamctl.thumbnail.capture.flv.FlvReader;
import dev.streamctl.thumbnail.capture.flv.FlvTap;
import dev.streamctl.thumbnail.capture.flv.Keyframe;
import dev.streamctl.srs.SrsServers.Liveness;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's capture: a thread that keeps one {@link FlvReader} on SRS's HTTP-FLV of
 * the stream, handing each newer keyframe to the stream's {@link DecodePool.Slot}. No
 * process, no decoder of its own: the thread waits on the connection, and the shared pool
 * decodes.
 * <p>
 * When a read ends it connects again: at once after an ended response that delivered
 * keyframes, else after a backoff that doubles up to {@code restartMaxBackoff}. After
 * each failure SRS is asked whether it still lists the stream: a stream it no longer
 * lists ends the capture; one it lists is retried for as long as it does; without an
 * answer (no SRS API, or one that cannot be read) the capture is given up after
 * {@code maxFailures} failures in a row. A stream whose video is not H.264 ends the
 * capture at once.
 * <p>
 * The stream's video is watched for stalls by the service's watchdog ({@link #watch}): no
 * video tag for {@code stallTimeout} is reported once, and its return once.
 */
final class TapCapture implements StreamCapture, Runnable {

	private static final Logger log = LoggerFactory.getLogger(TapCapture.class);

	/** Thread stack size: the thread only waits on its connection. */
	private static final long STACK_BYTES = 256 * 1024;

	private final Channel channel;

	private final Sessions sessions;

	private final CaptureSettings settings;

	private final HttpClient client;

	private final DecodePool.Slot slot;

	private final CaptureMetrics metrics;

	private final StallReports stalls;

	private final Function<StreamCapture, Liveness> liveness;

	private final FlvReader.Settings readerSettings;

	private final long startedNanos = System.nanoTime();

	/** {@code System.nanoTime()} of the last video tag of the readers that ended. */
	private volatile long lastVideoNanos = this.startedNanos;

	private volatile @Nullable FlvReader reader;

	private volatile boolean stopping;

	private volatile @Nullable String endedBecause;

	private volatile @Nullable Instant stalledAt;

	private volatile @Nullable Thread thread;

	/** Set when the thread's work has ended, whatever ended it. */
	private volatile boolean finished;

	/** Whether a dropped keyframe was logged already (each is counted). */
	private volatile boolean dropLogged;

	TapCapture(Channel channel, Sessions sessions, CaptureSettings settings, HttpClient client, DecodePool pool,
			CaptureMetrics metrics, StallReports stalls, Function<StreamCapture, Liveness> liveness) {
		this.channel = channel;
		this.sessions = sessions;
		this.settings = settings;
		this.client = client;
		this.metrics = metrics;
		this.stalls = stalls;
		this.liveness = liveness;
		this.readerSettings = new FlvReader.Settings(settings.headerTimeout(), settings.videoTimeout(),
				settings.maxKeyframeBytes());
		this.slot = pool.open(channel.publicName(), stream());
	}

	@Override
	public void start() {
		Thread started = new Thread(null, this, "capture-" + this.channel.publicName().substring(0, 8), STACK_BYTES);
		started.setDaemon(true);
		this.thread = started;
		started.start();
	}

	@Override
	public void run() {
		try {
			read();
		}
		finally {
			this.finished = true;
		}
	}

	private void read() {
		URI url;
		try {
			url = this.settings.inputUrlOf(session().session().app(), stream());
		}
		catch (IllegalArgumentException ex) {
			log.warn("Not capturing {}: its HTTP-FLV URL is not valid", stream().masked());
			this.endedBecause = "invalid";
			return;
		}
		Duration backoff = this.settings.restartBackoff();
		int failures = 0;
		while (!this.stopping) {
			FlvReader current = new FlvReader(this.client, url, stream(), this.readerSettings, new Events());
			this.reader = current;
			if (this.stopping) {
				break;
			}
			FlvReadOutcome outcome = current.read();
			current.lastVideoTagNanos().ifPresent(last -> this.lastVideoNanos = Math.max(this.lastVideoNanos, last));
			if (this.stopping || outcome.reason() == FlvReadOutcome.Reason.CLOSED) {
				break;
			}
			this.metrics.read(outcome.reason().tag());
			if (outcome.reason() == FlvReadOutcome.Reason.UNSUPPORTED_CODEC) {
				log.warn("No thumbnails for {}: its video is {}, not H.264", stream().masked(), outcome.detail());
				this.endedBecause = "unsupported_codec";
				break;
			}
			boolean delivered = current.keyframe() != null;
			failures = delivered ? 1 : failures + 1;
			if (delivered) {
				backoff = this.settings.restartBackoff();
			}
			Liveness live;
			try {
				live = this.liveness.apply(this);
			}
			catch (RuntimeException ex) {
				log.warn("Could not ask SRS whether {} is live: {}", stream().masked(), ex.toString());
				live = Liveness.UNKNOWN;
			}
			if (this.stopping) {
				// stop() interrupted the question, which then answers UNKNOWN
				break;
			}
			if (live == Liveness.GONE) {
				log.info("SRS no longer lists {}; its capture ends ({})", stream().masked(), outcome);
				this.endedBecause = "ended";
				break;
			}
			if (live == Liveness.UNKNOWN && failures >= this.settings.maxFailures()) {
				log.warn("Giving up the capture of {} after {} failed reads in a row: {}", stream().masked(), failures,
						outcome);
				this.endedBecause = "given_up";
				break;
			}
			log.info("Reading {} again ({} in a row): {}", current.label(), failures, outcome);
			if (!delivered && !pause(backoff)) {
				break;
			}
			if (!delivered) {
				backoff = min(backoff.multipliedBy(2), this.settings.restartMaxBackoff());
			}
		}
	}

	@Override
	public void stop() {
		this.stopping = true;
		this.slot.close();
		FlvReader current = this.reader;
		if (current != null) {
			current.close();
		}
		Thread running = this.thread;
		if (running != null) {
			running.interrupt();
		}
	}

	@Override
	public void watch(Instant now) {
		if (this.stopping) {
			return;
		}
		long last = this.lastVideoNanos;
		FlvReader current = this.reader;
		if (current != null) {
			last = Math.max(last, current.lastVideoTagNanos().orElse(last));
		}
		long silentNanos = System.nanoTime() - last;
		boolean silent = silentNanos >= this.settings.stallTimeout().toNanos();
		Instant stalled = this.stalledAt;
		if (silent && stalled == null) {
			this.stalledAt = now;
			Instant lastVideoAt = now.minusNanos(silentNanos);
			log.warn("{} stalled: no video for {} s", stream().masked(), TimeUnit.NANOSECONDS.toSeconds(silentNanos));
			this.stalls.stalled(session().session(), lastVideoAt);
		}
		else if (!silent && stalled != null) {
			this.stalledAt = null;
			log.info("{} resumed: video again after a stall", stream().masked());
			this.stalls.resumed(session().session(), stalled);
		}
	}

	@Override
	public boolean stalled() {
		return this.stalledAt != null;
	}

	/**
	 * Until its thread has finished: a capture not started yet, or whose thread is being
	 * started, counts as running (its thread is not alive yet in that moment, and the
	 * watchdog must not take it for ended).
	 */
	@Override
	public boolean isRunning() {
		return !this.finished;
	}

	@Override
	public @Nullable String endedBecause() {
		return this.endedBecause;
	}

	@Override
	public Channel channel() {
		return this.channel;
	}

	@Override
	public Sessions sessions() {
		return this.sessions;
	}

	@Override
	public @Nullable Instant lastFrame() {
		return this.slot.written();
	}

	private StreamKey stream() {
		return session().session().stream();
	}

	private boolean pause(Duration backoff) {
		try {
			Thread.sleep(backoff.toMillis());
			return !this.stopping;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

	private static Duration min(Duration one, Duration other) {
		return (one.compareTo(other) <= 0) ? one : other;
	}

	@Override
	public String toString() {
		return "TapCapture[" + stream().masked() + " as " + this.channel.publicName() + "]";
	}

	/** What the reader's tap reports, on the HTTP client's threads. */
	private final class Events implements FlvTap.Listener {

		@Override
		public void keyframe(Keyframe keyframe) {
			TapCapture.this.slot.offer(keyframe);
		}

		@Override
		public void keyframeDropped(FlvTap.DropReason reason, int sizeBytes) {
			TapCapture.this.metrics.keyframeDropped(reason.name().toLowerCase(Locale.ROOT));
			if (!TapCapture.this.dropLogged) {
				TapCapture.this.dropLogged = true;
				log.warn("Dropped a keyframe of {} ({} bytes, {}); the previous one stays (logged once per capture)",
						stream().masked(), sizeBytes, reason);
			}
		}

		@Override
		public void unsupportedCodec(String codec) {
			TapCapture.this.metrics.unsupportedCodec(codec);
		}

		@Override
		public void failed(String reason) {
			log.warn("The HTTP-FLV of {} is not readable: {}", stream().masked(), reason);
		}

	}

}
