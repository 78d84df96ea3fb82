package dev.streamctl.status.srs;

import java.time.Duration;

import dev.streamctl.srs.SrsServers;
import dev.streamctl.srs.SrsSettings;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * The SRS servers whose HTTP API is the ground truth of who is live ({@code srs.*}); with
 * none configured, refused publishes are taken as ended and the reconciler does nothing.
 * Every question reads the servers now.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SrsSettings.class)
class SrsConfiguration {

	@Bean
	SrsServers srsServers(RestClient.Builder builder, SrsSettings settings) {
		return new SrsServers(builder, settings, Duration.ZERO);
	}

}
