package dev.streamctl.store;

/** What a conditional write of a channel's live state did. */
public enum WriteResult {

	/** The row now holds the state. */
	APPLIED,

	/** The row already holds a more recent state: nothing was changed. */
	STALE,

	/**
	 * The row already holds a state of exactly this time, most likely this very write:
	 * nothing was changed.
	 */
	DUPLICATE,

	/** The channel no longer exists. */
	GONE

}
