package dev.streamctl.thumbnail.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.streamctl.common.directory.Channel;
import dev.streamctl.common.event.StreamPublished;
import org.jspecify.annotations.Nullable;

/**
 * A capture that runs no FFmpeg: a real {@link Capture}, never started, decides which job
 * and session it follows, and the test says when it writes a frame, gives up or ends. It
 * remembers being started and stopped, and every stall check.
 */
final class ScriptedCapture implements StreamCapture {

	private final Capture capture;

	private final Predicate<StreamCapture> streamGone;

	private final List<Instant> stallChecks = new ArrayList<>();

	private @Nullable Instant lastFrame;

	private boolean started;

	private boolean stopped;

	/** As a real capture: registered but not started yet counts as running. */
	private boolean running = true;

	private boolean gaveUp;

	ScriptedCapture(Capture capture, Predicate<StreamCapture> streamGone) {
		this.capture = capture;
		this.streamGone = streamGone;
	}

	/**
	 * The real, never-started capture that decides which job and session this one
	 * follows.
	 */
	Capture real() {
		return this.capture;
	}

	@Override
	public void start() {
		this.started = true;
		this.running = true;
	}

	@Override
	public void stop() {
		this.stopped = true;
		this.running = false;
	}

	@Override
	public void adopt(StreamPublished newer) {
		this.capture.adopt(newer);
	}

	@Override
	public boolean holdRedelivered(CaptureJob redelivered) {
		return this.capture.holdRedelivered(redelivered);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean gaveUp() {
		return this.gaveUp;
	}

	@Override
	public void killIfStalled(Instant now) {
		this.stallChecks.add(now);
	}

	@Override
	public CaptureJob job() {
		return this.capture.job();
	}

	@Override
	public Channel channel() {
		return this.capture.channel();
	}

	@Override
	public StreamPublished session() {
		return this.capture.session();
	}

	@Override
	public @Nullable Instant lastFrame() {
		return this.lastFrame;
	}

	/** A thumbnail was written at this time. */
	void frameAt(Instant at) {
		this.lastFrame = at;
	}

	/** Failed too often, or found the stream gone: it stops restarting FFmpeg. */
	void giveUp() {
		this.gaveUp = true;
	}

	/** Its supervision ended without giving up (its thread died). */
	void end() {
		this.running = false;
	}

	/** What the capture asks the service after a failed run. */
	boolean asksWhetherTheStreamIsGone() {
		return this.streamGone.test(this);
	}

	boolean started() {
		return this.started;
	}

	boolean stopped() {
		return this.stopped;
	}

	List<Instant> stallChecks() {
		return List.copyOf(this.stallChecks);
	}

}
