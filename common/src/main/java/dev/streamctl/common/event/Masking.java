package dev.streamctl.common.event;

/**
 * Hides secrets in text meant for people: stream keys and the values of query parameters
 * (SRS passes the publisher's {@code ?token=...} through as {@code param}).
 */
public final class Masking {

	private static final int VISIBLE = 3;

	private static final String HIDDEN = "***";

	private Masking() {
	}

	/**
	 * {@code secretKey123} becomes {@code sec***}; keys of up to six characters are
	 * hidden whole.
	 */
	public static String key(String key) {
		if (key == null || key.isEmpty()) {
			return "";
		}
		return key.length() <= 2 * VISIBLE ? HIDDEN : key.substring(0, VISIBLE) + HIDDEN;
	}

	/**
	 * {@code ?token=abc&x=1} becomes {@code ?token=***&x=***}: names stay, values are
	 * hidden.
	 */
	public static String query(String query) {
		if (query == null || query.isEmpty()) {
			return "";
		}
		StringBuilder masked = new StringBuilder(query.length());
		boolean inValue = false;
		for (int i = 0; i < query.length(); i++) {
			char c = query.charAt(i);
			if (c == '&' || c == '?') {
				inValue = false;
				masked.append(c);
			}
			else if (c == '=' && !inValue) {
				inValue = true;
				masked.append('=').append(HIDDEN);
			}
			else if (!inValue) {
				masked.append(c);
			}
		}
		return masked.toString();
	}

}
