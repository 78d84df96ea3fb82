package dev.streamctl.gateway.hook;

import java.util.Locale;

import dev.streamctl.gateway.delivery.DeliveryOutcome;

/**
 * What the gateway did with a hook or a heartbeat; the {@code outcome} tag of the
 * {@code gateway.hooks} and {@code gateway.heartbeats} metrics.
 */
public enum HookOutcome {

	/** Its event was confirmed by the broker. */
	CONFIRMED,

	/** Its event is on the local spool. */
	SPOOLED,

	/** Its event could be neither published nor spooled (answered 0 all the same). */
	LOST,

	/** Answered 0; no event (a hook the pipeline does not use, another app, a player). */
	IGNORED,

	/** An {@code on_publish} refused: SRS drops the publisher. */
	REFUSED,

	/** Malformed, incomplete or oversized input. */
	INVALID,

	/** Missing or wrong hook secret. */
	UNAUTHORIZED,

	/**
	 * A failure of the gateway's own, answered with HTTP 500 (SRS refuses the client).
	 */
	FAILED;

	/** The outcome of a callback whose event was handed over with this result. */
	public static HookOutcome of(DeliveryOutcome delivery) {
		return switch (delivery) {
			case CONFIRMED -> CONFIRMED;
			case SPOOLED -> SPOOLED;
			case LOST -> LOST;
		};
	}

	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
