package dev.streamctl.status.apply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * batch collapse to its latest, and the rest are applied in one request
 * @param batchWait longest wait for a batch to fill once its first event arrived: the
 * most an event waits for others to share its request
 * @param concurrency how many rows are written in parallel when the store has no bulk
 * function and each row gets its own request
 * @param retryBackoff how long an event waits before its first retry after the store (or
 * SRS's API) failed transiently; each further wait doubles
 * @param retryMaxBackoff longest wait between two tries: once the store is back, every
 * waiting event is applied within it
 * @param retryFor how long an event is retried before it is dead-lettered
 * @param storeFailuresBeforeDown consecutive failed store calls after which readiness
 * turns down; the first success turns it up again
 */
@Validated
@ConfigurationProperties("status")
public record StatusSettings(
		@NotNull @DurationMin(millis = 0) @DurationMax(seconds = 60) @DefaultValue("10s") Duration reconnectGrace,
		@Min(1) @Max(5000) @DefaultValue("1000") int batchSize,
		@NotNull @DurationMin(millis = 1) @DurationMax(seconds = 10) @DefaultValue("20ms") Duration batchWait,
		@Min(1) @Max(256) @DefaultValue("32") int concurrency,
		@NotNull @DurationMin(millis = 100) @DurationMax(seconds = 60) @DefaultValue("1s") Duration retryBackoff,
		@NotNull @DurationMin(millis = 100) @DurationMax(seconds = 60) @DefaultValue("5s") Duration retryMaxBackoff,
		@NotNull @DurationMin(seconds = 1) @DurationMax(hours = 24) @DefaultValue("15m") Duration retryFor,
		@Min(1) @Max(1000) @DefaultValue("3") int storeFailuresBeforeDown) {

	/**
	 * The waits before each retry: the backoff doubling up to the longest wait, which
	 * then repeats. Each is a queue of its own.
	 */
	public List<Duration> retryDelays() {
		List<Duration> delays = new ArrayList<>();
		Duration delay = this.retryBackoff;
		while (delay.compareTo(this.retryMaxBackoff) < 0) {
			delays.add(delay);
			delay = delay.multipliedBy(2);
		}
		delays.add(this.retryMaxBackoff);
		return List.copyOf(delays);
	}

	/** The wait before the given retry (1 for the first). */
	public Duration retryDelay(int retry) {
		List<Duration> delays = retryDelays();
		return delays.get(Math.min(Math.max(retry, 1), delays.size()) - 1);
	}

}
