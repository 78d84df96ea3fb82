package dev.streamctl.gateway.auth;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may publish.
 *
 * @param mode {@code open}: every key (the original design); {@code known-keys}: only
 * keys of a channel
 * @param failureMode what to decide when the channel directory cannot be asked:
 * {@code fail-open} (streams are never blocked by our infrastructure) or
 * {@code fail-closed}
 * @param lookupTimeout the longest a publish waits for the directory on a cache miss
 * @param refreshInterval how often every channel is loaded into the cache (at start-up
 * too), so a publish normally makes no remote call; zero turns it off
 * @param unknownKeysPerIp unknown keys one address may try within
 * {@code unknownKeyWindow} before its publishes are refused without a lookup
 * @param unknownKeyWindow the window of that count
 */
@Validated
@ConfigurationProperties("gateway.auth")
public record AuthSettings(@NotNull @DefaultValue("known-keys") Mode mode,
		@NotNull @DefaultValue("fail-open") FailureMode failureMode,
		@NotNull @DurationMin(millis = 1) @DurationMax(seconds = 20) @DefaultValue("500ms") Duration lookupTimeout,
		@NotNull @DefaultValue("60s") Duration refreshInterval,
		@Min(1) @Max(1_000_000) @DefaultValue("10") int unknownKeysPerIp,
		@NotNull @DurationMin(seconds = 1) @DefaultValue("1m") Duration unknownKeyWindow) {

	public enum Mode {

		OPEN, KNOWN_KEYS

	}

	public enum FailureMode {

		FAIL_OPEN, FAIL_CLOSED

	}

}
