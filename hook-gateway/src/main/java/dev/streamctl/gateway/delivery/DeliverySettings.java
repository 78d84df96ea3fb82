package dev.streamctl.gateway.delivery;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway hands events to the broker.
 *
 * @param confirmDeadline how long a hook waits for the broker's publisher confirm before
 * the event goes to the spool instead; SRS waits for the answer before it lets the
 * streamer in
 * @param spoolDirectory where events wait, one file each, while the broker is down or
 * slow; must survive restarts (a volume in containers)
 * @param spoolMaxSize the most the spool may hold; past it events are lost, logged and
 * counted
 * @param spoolWriters how many events may be written to the spool at once (each write
 * forces its own file)
 * @param drainBatchSize how many spooled events are published before waiting for their
 * confirms
 * @param drainInterval how often the spool is checked, and the first pause after a failed
 * drain
 * @param drainMaxBackoff the longest pause between failed drains
 * @param logRetention {@code x-max-age} of the {@code srs.events.log} stream when the
 * gateway declares it
 */
@Validated
@ConfigurationProperties("gateway.delivery")
public record DeliverySettings(
		@NotNull @DurationMin(millis = 1) @DurationMax(seconds = 10) @DefaultValue("50ms") Duration confirmDeadline,
		@NotNull @DefaultValue("./spool") Path spoolDirectory, @NotNull @DefaultValue("512MB") DataSize spoolMaxSize,
		@Min(1) @Max(256) @DefaultValue("16") int spoolWriters,
		@Min(1) @Max(10_000) @DefaultValue("200") int drainBatchSize,
		@NotNull @DurationMin(millis = 10) @DefaultValue("200ms") Duration drainInterval,
		@NotNull @DurationMin(millis = 100) @DefaultValue("30s") Duration drainMaxBackoff,
		@NotNull @Pattern(regexp = "\\d+(Y|M|D|h|m|s)",
				message = "must be a number followed by Y, M, D, h, m or s, like 7D") @DefaultValue("7D") String logRetention) {

}
