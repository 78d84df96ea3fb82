package dev.streamctl.gateway.hook.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Checks the optional hook secret. SRS cannot send headers with its hooks, so the secret
 * travels as the query parameter {@code secret}; the comparison takes the same time
 * whatever the given value.
 */
@Component
class HookSecret {

	private final byte @Nullable [] expectedDigest;

	HookSecret(HookSettings settings) {
		this.expectedDigest = settings.requiresSecret() ? digest(settings.secret()) : null;
	}

	boolean isRequired() {
		return this.expectedDigest != null;
	}

	void check(@Nullable String given) {
		if (this.expectedDigest == null) {
			return;
		}
		if (given == null || !MessageDigest.isEqual(this.expectedDigest, digest(given))) {
			throw new HookRejectedException(HttpStatus.UNAUTHORIZED, HookOutcome.UNAUTHORIZED,
					"missing or wrong hook secret (query parameter 'secret')");
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
