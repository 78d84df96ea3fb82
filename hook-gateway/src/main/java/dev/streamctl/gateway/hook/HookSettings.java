package dev.streamctl.gateway.hook;

import java.util.Set;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import dev.streamctl.common.event.StreamKey;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What the gateway accepts from SRS.
 *
 * @param apps the SRS apps whose streams make events; others (SRS's forwarded copies) are
 * answered and ignored
 * @param secret when not empty, every hook and forward URL must carry it as the query
 * parameter {@code secret}, and the heartbeat URL as its last path segment; made of URL
 * characters that need no escaping ({@code A-Za-z0-9._~-}), so that it reads the same in
 * both places (checked at start-up without echoing it)
 * @param streamNamePattern the characters a stream name may be made of; an
 * {@code on_publish} for any other name is refused, since names end up in URLs and
 * process arguments downstream
 * @param maxStreamNameLength the longest stream name accepted
 * @param maxBodySize the largest hook body read; SRS's are a few hundred bytes
 * @param maxTrackedSessions how many open publisher sessions are remembered to turn an
 * {@code on_close} without {@code on_unpublish} into an unpublish event
 */
@Validated
@ConfigurationProperties("gateway.hooks")
public record HookSettings(@NotEmpty @DefaultValue("live") Set<String> apps, @DefaultValue("") String secret,
		@NotNull @DefaultValue("[A-Za-z0-9._~-]+") Pattern streamNamePattern,
		@Min(1) @Max(StreamKey.MAX_LENGTH) @DefaultValue("128") int maxStreamNameLength,
		@NotNull @DefaultValue("64KB") DataSize maxBodySize,
		@Min(1) @Max(10_000_000) @DefaultValue("100000") int maxTrackedSessions) {

	public boolean requiresSecret() {
		return !this.secret.isEmpty();
	}

	@Override
	public String toString() {
		return "HookSettings[apps=" + this.apps + ", secret=" + (requiresSecret() ? "(set)" : "(none)")
				+ ", streamNamePattern=" + this.streamNamePattern + ", maxStreamNameLength=" + this.maxStreamNameLength
				+ ", maxBodySize=" + this.maxBodySize + ", maxTrackedSessions=" + this.maxTrackedSessions + "]";
	}

}
