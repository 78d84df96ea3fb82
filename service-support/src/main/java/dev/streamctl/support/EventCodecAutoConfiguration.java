package dev.streamctl.support;

import dev.streamctl.common.codec.EventCodec;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The codec of the events on the wire, shared by every publisher and listener of a
 * service.
 */
@AutoConfiguration
class EventCodecAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventCodec eventCodec() {
		return new EventCodec();
	}

}
