package dev.streamctl.gateway.hook.web;

import java.util.Set;
import java.util.regex.Pattern;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hook secret travels unescaped in SRS's URLs, the heartbeat's as a path segment: one
 * that would not survive that stops the gateway at start, without being echoed.
 */
class HookSecretTest {

	@ParameterizedTest
	@ValueSource(strings = { "a/b-secret", "a&b=c", "with space", "per%2Fcent", "ünïcode" })
	void refusesToStartWithASecretAUrlWouldChangeWithoutEchoingIt(String secret) {
		assertThatIllegalStateException().isThrownBy(() -> new HookSecret(settings(secret)))
			.withMessageContaining("HOOK_SECRET")
			.withMessageNotContaining(secret);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Ab3dEf9hIj2kLm4nOp6qRs8tUv0wXy1z", "hook-secret-6f1c.x_y~z" })
	void takesASecretOfUrlSafeCharactersAndChecksItWhereverItTravels(String secret) {
		HookSecret hookSecret = new HookSecret(settings(secret));

		assertThatNoException().isThrownBy(() -> hookSecret.check(secret, "anywhere"));
		HookRejectedException wrong = catchThrowableOfType(HookRejectedException.class,
				() -> hookSecret.check(secret + "x", "the last path segment"));
		assertThat(wrong.outcome()).isEqualTo(HookOutcome.UNAUTHORIZED);
		assertThat(wrong.getMessage()).isEqualTo("missing or wrong hook secret (the last path segment)");
	}

	private static HookSettings settings(String secret) {
		return new HookSettings(Set.of("live"), secret, Pattern.compile("[A-Za-z0-9._~-]+"), 128,
				DataSize.ofKilobytes(64), 100_000);
	}

}
