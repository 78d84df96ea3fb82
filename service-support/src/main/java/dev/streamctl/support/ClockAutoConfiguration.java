package dev.streamctl.support;

import java.time.Clock;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The time events are stamped with and windows, graces and backoffs are measured by. The
 * services' classes take it in their constructors, so their unit tests build them with a
 * clock of their own.
 */
@AutoConfiguration
class ClockAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

}
