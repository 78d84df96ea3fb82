package dev.streamctl.thumbnail.capture;

import java.time.Instant;
import java.util.function.Predicate;

import dev.streamctl.common.directory.Channel;
import dev.streamctl.common.event.StreamPublished;
import org.jspecify.annotations.Nullable;

/**
 * A running capture of one stream as {@link CaptureService} sees it: {@link Capture}
 * supervising FFmpeg in the application, a scripted stand-in in unit tests.
 */
interface StreamCapture {

	void start();

	/** Stops the capture and waits for it. */
	void stop();

	/**
	 * Follows a newer publish of the same stream (a reconnect); an older one changes
	 * nothing.
	 */
	void adopt(StreamPublished newer);

	/**
	 * Takes over a redelivery of its own job when the delivery it held is gone; answers
	 * whether it did.
	 */
	boolean holdRedelivered(CaptureJob redelivered);

	/**
	 * Whether it runs or is about to: a capture the service registered but has not
	 * started yet counts as running, so that the watchdog never gives up a capture in the
	 * moment between the two.
	 */
	boolean isRunning();

	/**
	 * Whether it stopped restarting FFmpeg: too many failures in a row, or the stream is
	 * gone.
	 */
	boolean gaveUp();

	/** Restarts FFmpeg when no frame came for the stall time before {@code now}. */
	void killIfStalled(Instant now);

	CaptureJob job();

	Channel channel();

	/** The publish it captures: the job's, or a newer one it adopted. */
	StreamPublished session();

	/** When the last thumbnail was written, or null. */
	@Nullable Instant lastFrame();

	/** Makes the capture of a job's stream. */
	@FunctionalInterface
	interface Factory {

		/**
		 * Makes the capture of the job's stream for the channel, not started yet.
		 * @param streamGone asked after a failed run whether SRS still has the stream
		 */
		StreamCapture create(CaptureJob job, Channel channel, Predicate<StreamCapture> streamGone);

	}

}
