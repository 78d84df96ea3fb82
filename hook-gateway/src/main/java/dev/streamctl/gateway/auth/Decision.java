package dev.streamctl.gateway.auth;

import java.util.Locale;

/**
 * Whether a publish may go on, and why; the {@code decision} tag of
 * {@code gateway.auth.decisions}.
 */
public enum Decision {

	/** Open mode: every key. */
	OPEN(true),

	/** The key belongs to a channel. */
	KNOWN(true),

	/** No channel has the key. */
	UNKNOWN(false),

	/** The address tried too many unknown keys lately. */
	RATE_LIMITED(false),

	/** The directory could not be asked; fail-open let it through. */
	FAILED_OPEN(true),

	/** The directory could not be asked; fail-closed refused it. */
	FAILED_CLOSED(false);

	private final boolean allowed;

	Decision(boolean allowed) {
		this.allowed = allowed;
	}

	public boolean allowed() {
		return this.allowed;
	}

	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
