package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import dev.streamctl.common.directory.Channel;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.thumbnail.capture.ffmpeg.FfmpegCommand;
import dev.streamctl.thumbnail.capture.ffmpeg.FfmpegProcess;
import dev.streamctl.thumbnail.capture.ffmpeg.JpegFrames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's capture, supervised on its own thread: FFmpeg runs, each JPEG it writes
 * becomes the stream's thumbnail, and when it exits (or is killed as stalled) it is
 * started again after a backoff that doubles, until it has failed
 * {@link CaptureSettings#maxFailures()} times in a row or the stream is gone.
 */
final class Capture implements StreamCapture, Runnable {

	private static final Logger log = LoggerFactory.getLogger(Capture.class);

	private volatile CaptureJob job;

	private final Channel channel;

	private final CaptureSettings settings;

	private final ThumbnailFiles files;

	private final CaptureMetrics metrics;

	private final Predicate<Capture> streamGone;

	private volatile Instant runStarted = Instant.now();

	private volatile StreamPublished session;

	private volatile @Nullable FfmpegProcess process;

	private volatile @Nullable Instant lastFrame;

	private volatile boolean stopping;

	private volatile boolean gaveUp;

	/** Set by {@link #start()}, read by the service's watchdog thread. */
	private volatile @Nullable Thread thread;

	Capture(CaptureJob job, Channel channel, CaptureSettings settings, ThumbnailFiles files, CaptureMetrics metrics,
			Predicate<Capture> streamGone) {
		this.job = job;
		this.channel = channel;
		this.session = job.event();
		this.settings = settings;
		this.files = files;
		this.metrics = metrics;
		this.streamGone = streamGone;
	}

	@Override
	public void start() {
		this.thread = new Thread(this, "capture-" + this.channel.publicName().substring(0, 8));
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void run() {
		if (this.settings.quickFirstFrame()) {
			quickFirstFrame();
		}
		Duration backoff = this.settings.restartBackoff();
		int failures = 0;
		while (!this.stopping) {
			String failure = runOnce(FfmpegCommand.capture(this.settings, inputUrl()));
			if (this.stopping) {
				break;
			}
			failures = (failure == null) ? 1 : failures + 1;
			this.metrics.restarted();
			log.warn("Capture of {} ended ({} in a row): {}", this.session.session().stream(), failures,
					(failure == null) ? "FFmpeg exited after frames" : failure);
			if (failures >= this.settings.maxFailures() || this.streamGone.test(this)) {
				this.gaveUp = true;
				log.warn("Giving up the capture of {} after {} failures", this.session.session().stream(), failures);
				break;
			}
			if (!pause(backoff)) {
				break;
			}
			backoff = backoff.multipliedBy(2).compareTo(this.settings.restartMaxBackoff()) > 0
					? this.settings.restartMaxBackoff() : backoff.multipliedBy(2);
		}
	}

	/**
	 * The first image from a short run that decodes every frame
	 * ({@link FfmpegCommand#firstFrame}); the keyframes-only capture follows at once. A
	 * failure here is only logged: the capture that follows meets it too, and restarts
	 * and gives up by its own rules.
	 */
	private void quickFirstFrame() {
		String failure = runOnce(FfmpegCommand.firstFrame(this.settings, inputUrl()));
		if (failure != null && !this.stopping) {
			log.debug("No quick first image of {}: {}", this.session.session().stream(), failure);
		}
	}

	private String inputUrl() {
		return this.settings.inputUrlOf(this.session.session().app(), this.session.session().stream());
	}

	/** One run of FFmpeg; answers null when it delivered frames, else why it failed. */
	private @Nullable String runOnce(List<String> command) {
		FfmpegProcess ffmpeg;
		try {
			ffmpeg = FfmpegProcess.start(command);
		}
		catch (IOException ex) {
			this.metrics.startFailed();
			return "cannot run FFmpeg: " + ex.getMessage();
		}
		boolean delivered = false;
		try (ffmpeg) {
			this.runStarted = Instant.now();
			this.process = ffmpeg;
			JpegFrames frames = ffmpeg.frames();
			byte[] frame;
			while (!this.stopping && (frame = frames.next()) != null) {
				this.files.write(this.channel.publicName(), frame);
				this.lastFrame = Instant.now();
				this.metrics.frame();
				delivered = true;
			}
			int exit = ffmpeg.exitCode();
			return delivered ? null
					: "FFmpeg exited with " + exit + " before any frame: " + masked(ffmpeg.stderrTail());
		}
		catch (IOException ex) {
			return "the capture broke off: " + masked(ex.getMessage());
		}
		catch (InterruptedException ex) {
			return "interrupted";
		}
		finally {
			this.process = null;
		}
	}

	/** Kills FFmpeg when no frame came for the stall time; the loop then restarts it. */
	@Override
	public void killIfStalled(Instant now) {
		Instant last = (this.lastFrame != null && this.lastFrame.isAfter(this.runStarted)) ? this.lastFrame
				: this.runStarted;
		FfmpegProcess running = this.process;
		if (running != null && last.plus(stallTime()).isBefore(now)) {
			log.warn("Capture of {} stalled: no frame for {}", this.session.session().stream(), stallTime());
			running.close();
		}
	}

	/** Stops the capture and waits for its thread. */
	@Override
	public void stop() {
		this.stopping = true;
		FfmpegProcess running = this.process;
		if (running != null) {
			running.close();
		}
		if (this.thread != null) {
			this.thread.interrupt();
			try {
				this.thread.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Follows a newer publish of the same stream (a reconnect), so that the unpublish of
	 * the old one is ignored.
	 */
	@Override
	public void adopt(StreamPublished newer) {
		if (newer.occurredAt().isAfter(this.session.occurredAt())) {
			this.session = newer;
		}
	}

	/**
	 * Takes over a redelivery of this capture's own job when the delivery it held is gone
	 * (its channel was closed, e.g. by the broker's consumer timeout), so the capture
	 * keeps a job the broker hands on if this worker dies. Answers whether it did.
	 */
	@Override
	public boolean holdRedelivered(CaptureJob redelivered) {
		if (this.job.channel().isOpen()) {
			return false;
		}
		this.job = redelivered;
		return true;
	}

	@Override
	public boolean isRunning() {
		Thread running = this.thread;
		return running == null || running.isAlive();
	}

	@Override
	public boolean gaveUp() {
		return this.gaveUp;
	}

	@Override
	public CaptureJob job() {
		return this.job;
	}

	@Override
	public Channel channel() {
		return this.channel;
	}

	@Override
	public StreamPublished session() {
		return this.session;
	}

	/** When the last thumbnail was written, or null. */
	@Override
	public @Nullable Instant lastFrame() {
		return this.lastFrame;
	}

	private Duration stallTime() {
		return this.settings.interval().multipliedBy(this.settings.stallIntervals());
	}

	private String masked(@Nullable String text) {
		String key = this.session.session().stream().value();
		return (text == null) ? "" : text.replace(key, this.session.session().stream().masked());
	}

	private boolean pause(Duration backoff) {
		try {
			Thread.sleep(backoff.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

}
