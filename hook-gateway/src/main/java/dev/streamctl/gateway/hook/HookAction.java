package dev.streamctl.gateway.hook;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The SRS 6 {@code http_hooks} callbacks, by the {@code action} of their body. */
public enum HookAction {

	ON_CONNECT, ON_CLOSE, ON_PUBLISH, ON_UNPUBLISH, ON_PLAY, ON_STOP, ON_DVR, ON_HLS;

	private final String srsName = name().toLowerCase(Locale.ROOT);

	/** The name SRS uses, as in {@code "action":"on_publish"}. */
	public String srsName() {
		return this.srsName;
	}

	static Optional<HookAction> fromSrsName(String name) {
		return Arrays.stream(values()).filter(action -> action.srsName.equals(name)).findFirst();
	}

}
