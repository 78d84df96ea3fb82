package dev.streamctl.common.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so that grace periods, windows,
 * backoffs and ages are crossed without waiting. Safe to read and move from several
 * threads.
 */
public final class TestClock extends Clock {

	/**
	 * Where every test clock starts unless told otherwise: a fixed, unremarkable instant.
	 */
	public static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

	private final AtomicReference<Instant> now;

	public TestClock() {
		this(START);
	}

	public TestClock(Instant start) {
		this.now = new AtomicReference<>(start);
	}

	/** Moves the clock forward (or back, for a negative amount). */
	public void advance(Duration amount) {
		this.now.updateAndGet(instant -> instant.plus(amount));
	}

	public void set(Instant instant) {
		this.now.set(instant);
	}

	@Override
	public Instant instant() {
		return this.now.get();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("a test clock is always UTC");
	}

}
