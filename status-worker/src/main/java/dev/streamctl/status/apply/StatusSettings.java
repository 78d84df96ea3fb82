package dev.streamctl.status.apply;

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
 * How events are applied to the store.
 *
 * @param reconnectGrace how long an unpublish waits before it is applied, so that a
 * publish of the same key within it (an OBS reconnect) keeps the channel online
 * throughout; zero applies at once
 * @param batchSize the most events taken from the queue at once; one stream's events in a
 * batch collapse to its latest
 * @param concurrency how many streams of a batch are written in parallel
 * @param retryBackoff first pause after the store failed transiently; it doubles, with
 * jitter
 * @param retryMaxBackoff longest pause between tries
 * @param retryFor how long a batch is retried before its events are dead-lettered
 */
@Validated
@ConfigurationProperties("status")
public record StatusSettings(
		@NotNull @DurationMin(millis = 0) @DurationMax(minutes = 10) @DefaultValue("0s") Duration reconnectGrace,
		@Min(1) @Max(1000) @DefaultValue("200") int batchSize, @Min(1) @Max(256) @DefaultValue("32") int concurrency,
		@NotNull @DurationMin(millis = 10) @DefaultValue("1s") Duration retryBackoff,
		@NotNull @DurationMin(millis = 10) @DefaultValue("30s") Duration retryMaxBackoff,
		@NotNull @DurationMin(seconds = 1) @DurationMax(minutes = 25) @DefaultValue("10m") Duration retryFor) {

}
