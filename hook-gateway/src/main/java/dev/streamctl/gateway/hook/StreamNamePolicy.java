package dev.streamctl.gateway.hook;

import dev.streamctl.common.event.StreamKey;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Decides whether a stream name is safe to publish under; the reasons it gives never echo
 * the name.
 */
@Component
class StreamNamePolicy {

	private final HookSettings settings;

	StreamNamePolicy(HookSettings settings) {
		this.settings = settings;
	}

	/**
	 * The name as a key, or a refusal.
	 * @throws HookRejectedException with outcome {@link HookOutcome#REFUSED} for an
	 * unsafe name
	 */
	StreamKey check(String name) {
		if (name.length() > this.settings.maxStreamNameLength()) {
			throw refused("stream name is " + name.length() + " characters long, at most "
					+ this.settings.maxStreamNameLength() + " are allowed");
		}
		if (!this.settings.streamNamePattern().matcher(name).matches()) {
			throw refused("stream name has characters outside the allowed set " + this.settings.streamNamePattern());
		}
		try {
			return StreamKey.of(name);
		}
		catch (IllegalArgumentException ex) {
			throw refused(String.valueOf(ex.getMessage()).replace("stream key", "stream name"));
		}
	}

	private static HookRejectedException refused(String reason) {
		return new HookRejectedException(HttpStatus.FORBIDDEN, HookOutcome.REFUSED, reason);
	}

}
