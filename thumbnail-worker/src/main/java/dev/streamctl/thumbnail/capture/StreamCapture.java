package dev.streamctl.thumbnail.capture;

import java.time.Instant;
import java.util.function.Function;

import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.srs.SrsServers.Liveness;
import org.jspecify.annotations.Nullable;

/**
 * A running capture of one stream as {@link CaptureService} sees it: {@link TapCapture}
 * reading SRS's HTTP-FLV in the application, a scripted stand-in in unit tests.
 */
interface StreamCapture {

	void start();

	/**
	 * Stops the capture without waiting for its thread: once this returns it writes no
	 * thumbnail and sends no event any more, and its connection is closing.
	 */
	void stop();

	/**
	 * Takes over a redelivery of its own job when the delivery it held is gone; answers
	 * whether it did.
	 */
	default boolean holdRedelivered(CaptureJob redelivered) {
		return sessions().holdRedelivered(redelivered);
	}

	/**
	 * Whether it runs or is about to: a capture the service registered but has not
	 * started yet counts as running, so that the watchdog never gives up a capture in the
	 * moment between the two.
	 */
	boolean isRunning();

	/**
	 * Why it stopped on its own ({@code given_up}, {@code ended},
	 * {@code unsupported_codec}), or null while it goes on.
	 */
	@Nullable String endedBecause();

	/** Checks, at the watchdog's tick, whether the stream stalled or resumed. */
	void watch(Instant now);

	/** Whether the stream is stalled now: no video for the stall time. */
	boolean stalled();

	default CaptureJob job() {
		return sessions().job();
	}

	Channel channel();

	/**
	 * The SRS sessions of the stream (the one the capture belongs to, and others) and the
	 * job it holds.
	 */
	Sessions sessions();

	/** The publish of the session the capture belongs to now. */
	default StreamPublished session() {
		return sessions().owner();
	}

	/** When the last thumbnail was written, or null. */
	@Nullable Instant lastFrame();

	/** Makes the capture of a job's stream. */
	@FunctionalInterface
	interface Factory {

		/**
		 * Makes the capture of the job's stream for the channel, not started yet.
		 * @param liveness asked after a failed connection whether SRS still lists the
		 * stream
		 */
		StreamCapture create(CaptureJob job, Channel channel, Function<StreamCapture, Liveness> liveness);

	}

}
