package dev.streamctl.status.servers;

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
 * How the status worker follows the SRS servers' heartbeats.
 *
 * @param goneDetection whether the streams of a server that sent no heartbeat for
 * {@code missedHeartbeats} intervals, and whose API cannot be read, are set offline. The
 * risk: an SRS that keeps serving while neither the gateway nor the workers can reach it
 * (a network split) shows its streams offline until its API can be read again, when the
 * reconciler sets them live
 * @param heartbeatInterval the {@code heartbeat { interval }} of the SRS servers
 * @param missedHeartbeats how many intervals without a heartbeat make a server silent
 * @param checkInterval how often the leader looks for restarted and silent servers
 */
@Validated
@ConfigurationProperties("status.servers")
public record ServerSettings(@DefaultValue("true") boolean goneDetection,
		@NotNull @DurationMin(seconds = 1) @DurationMax(minutes = 10) @DefaultValue("10s") Duration heartbeatInterval,
		@Min(1) @Max(100) @DefaultValue("3") int missedHeartbeats,
		@NotNull @DurationMin(millis = 100) @DurationMax(minutes = 1) @DefaultValue("1s") Duration checkInterval) {

	/** How long a server may stay without a heartbeat before it counts as silent. */
	public Duration silence() {
		return this.heartbeatInterval.multipliedBy(this.missedHeartbeats);
	}

}
