package dev.streamctl.status.reconcile;

import java.time.Duration;
import java.util.Set;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The self-repair of the store against SRS's API.
 *
 * @param enabled whether this instance takes part in reconciling
 * @param interval time between two reconciliations
 * @param apps the SRS apps whose streams are channels
 * @param leaderRenewal how often the reconciling instance renews its leader token; below
 * the broker's {@code consumer_timeout}
 */
@Validated
@ConfigurationProperties("status.reconciler")
public record ReconcilerSettings(@DefaultValue("true") boolean enabled,
		@NotNull @DurationMin(millis = 100) @DefaultValue("30s") Duration interval,
		@NotEmpty @DefaultValue("live") Set<String> apps,
		@NotNull @DurationMin(seconds = 1) @DurationMax(minutes = 25) @DefaultValue("10m") Duration leaderRenewal) {

}
