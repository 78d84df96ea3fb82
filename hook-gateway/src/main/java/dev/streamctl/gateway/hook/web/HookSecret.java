package dev.streamctl.gateway.hook.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Checks the optional hook secret. SRS cannot send headers with its callbacks, so the
 * secret travels in the URL: as the query parameter {@code secret} of the hooks and the
 * forward backend, and as the last path segment of the heartbeat URL, whose query string
 * SRS drops. The comparison takes the same time whatever the given value.
 */
@Component
class HookSecret {

	/** What a secret may be made of: the URL characters that never need escaping. */
	private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9._~-]+");

	private final byte @Nullable [] expectedDigest;

	HookSecret(HookSettings settings) {
		if (settings.requiresSecret() && !URL_SAFE.matcher(settings.secret()).matches()) {
			throw new IllegalStateException("gateway.hooks.secret (HOOK_SECRET) must be made of letters, digits and "
					+ ". _ ~ - only: SRS sends it in URLs unescaped, the heartbeat's as a path segment");
		}
		this.expectedDigest = settings.requiresSecret() ? digest(settings.secret()) : null;
	}

	boolean isRequired() {
		return this.expectedDigest != null;
	}

	/**
	 * @param given the secret the request carried, or null
	 * @param where where the request carries it, for the error message
	 */
	void check(@Nullable String given, String where) {
		if (this.expectedDigest == null) {
			return;
		}
		if (given == null || !MessageDigest.isEqual(this.expectedDigest, digest(given))) {
			throw new HookRejectedException(HttpStatus.UNAUTHORIZED, HookOutcome.UNAUTHORIZED,
					"missing or wrong hook secret (" + where + ")");
		}
	}

	private static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
