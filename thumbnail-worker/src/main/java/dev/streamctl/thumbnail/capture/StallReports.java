package dev.streamctl.thumbnail.capture;

import java.time.Instant;

import dev.streamctl.common.event.SrsSession;

/**
 * Where a capture reports that its stream stopped sending video and started again: the
 * {@code stream.stalled} and {@code stream.resumed} events in the application. Called on
 * the watchdog's thread; must not throw.
 */
interface StallReports {

	void stalled(SrsSession session, Instant lastVideoAt);

	void resumed(SrsSession session, Instant stalledAt);

}
