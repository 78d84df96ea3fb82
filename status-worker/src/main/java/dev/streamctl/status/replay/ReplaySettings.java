package dev.streamctl.status.replay;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * A replay of the event log.
 *
 * @param from where to start: an instant ({@code 2026-11-24T10:00:00Z}) or an interval
 * back from now ({@code 30m}, {@code 2h}, {@code 7D})
 * @param idle how long the log may stay silent before the replay is taken as caught up
 */
@Validated
@ConfigurationProperties("status.replay")
public record ReplaySettings(@NotBlank @Pattern(regexp = "\\d{4}-\\d\\d-\\d\\dT.+|\\d+[YMDhms]",
		message = "must be an ISO-8601 instant like 2026-11-24T10:00:00Z or an interval like 30m, 2h, 7D") @DefaultValue("1h") String from,
		@NotNull @DefaultValue("5s") Duration idle) {

}
