package dev.streamctl.thumbnail.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.streamctl.store.Channel;
import dev.streamctl.srs.SrsServers.Liveness;
import org.jspecify.annotations.Nullable;

/**
 * A capture that reads nothing: the test says when it writes a frame, stalls, gives up or
 * ends. It follows its job and sessions as a real one does, and remembers being started
 * and stopped, and every watchdog tick.
 */
final class ScriptedCapture implements StreamCapture {

	private final Channel channel;

	private final Sessions sessions;

	private final Function<StreamCapture, Liveness> liveness;

	private final List<Instant> watched = new ArrayList<>();

	private @Nullable Instant lastFrame;

	private boolean started;

	private boolean stopped;

	/** As a real capture: registered but not started yet counts as running. */
	private boolean running = true;

	private @Nullable String endedBecause;

	private boolean stalled;

	ScriptedCapture(CaptureJob job, Channel channel, Function<StreamCapture, Liveness> liveness) {
		this.channel = channel;
		this.sessions = new Sessions(job);
		this.liveness = liveness;
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
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public @Nullable String endedBecause() {
		return this.endedBecause;
	}

	@Override
	public void watch(Instant now) {
		this.watched.add(now);
	}

	@Override
	public boolean stalled() {
		return this.stalled;
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
		return this.lastFrame;
	}

	/** A thumbnail was written at this time. */
	void frameAt(Instant at) {
		this.lastFrame = at;
	}

	/** It stopped on its own, for this reason (given_up, ended, ...). */
	void endBecause(String reason) {
		this.endedBecause = reason;
	}

	/** Its thread died without saying why. */
	void end() {
		this.running = false;
	}

	void stall(boolean stalled) {
		this.stalled = stalled;
	}

	/** What the capture asks the service after a failed read. */
	Liveness asksWhetherTheStreamIsLive() {
		return this.liveness.apply(this);
	}

	boolean started() {
		return this.started;
	}

	boolean stopped() {
		return this.stopped;
	}

	List<Instant> watched() {
		return List.copyOf(this.watched);
	}

}
