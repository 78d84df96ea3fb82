package dev.streamctl.status.apply;

import java.util.Locale;

/**
 * What became of one event; the {@code outcome} tag of the {@code status.events} metric.
 */
public enum Outcome {

	/** The store now shows it. */
	APPLIED(Settle.ACK),

	/** The store already showed a later state of the stream. */
	STALE(Settle.ACK),

	/** The store already showed this very state: a repeated delivery. */
	DUPLICATE(Settle.ACK),

	/** A later event of the same stream in the same batch superseded it. */
	COLLAPSED(Settle.ACK),

	/** No channel has this stream key. */
	UNKNOWN_CHANNEL(Settle.ACK),

	/** The channel was deleted meanwhile. */
	GONE(Settle.ACK),

	/**
	 * An informational event (stalled, resumed): nothing to apply. Informational events
	 * reach the queue only through the {@code stream.#} binding of earlier versions, or
	 * re-driven from the dead letters.
	 */
	INFORMATIONAL(Settle.ACK),

	/** An unpublish sent to wait out the reconnect grace. */
	DELAYED(Settle.ACK),

	/**
	 * An offline correction of the reconciler, dropped because SRS lists the stream as
	 * publishing again by the time it is applied: nothing written.
	 */
	STILL_LIVE(Settle.ACK),

	/**
	 * The store or SRS's API failed transiently: the event waits in a retry queue and
	 * comes back to the events queue after the backoff.
	 */
	RETRYING(Settle.ACK),

	/**
	 * Could not be sent to wait (the broker refused it): handed back to the queue as it
	 * is.
	 */
	REQUEUED(Settle.REQUEUE),

	/** Could not be applied: dead-lettered for an operator. */
	DEAD_LETTERED(Settle.REJECT);

	private final Settle settle;

	Outcome(Settle settle) {
		this.settle = settle;
	}

	public Settle settle() {
		return this.settle;
	}

	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** How the delivery is settled with the broker. */
	public enum Settle {

		/** Done with: acknowledged. */
		ACK,

		/** Rejected without requeue: dead-lettered. */
		REJECT,

		/** Rejected with requeue: delivered again. */
		REQUEUE

	}

}
