package dev.streamctl.thumbnail.srs;

import java.time.Duration;

import dev.streamctl.srs.SrsServers;
import dev.streamctl.srs.SrsSettings;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.client.RestClient;

/**
 * The SRS servers ({@code srs.*}), asked whether a stream is still live: a job or a
 * capture of a stream that is gone is settled without connecting.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SrsSettings.class)
class SrsConfiguration {

	@Bean
	SrsServers srsServers(RestClient.Builder builder, SrsSettings settings, ListingSettings listing) {
		return new SrsServers(builder, settings, listing.listingMaxAge());
	}

	/**
	 * What the thumbnail worker adds to the SRS settings both workers share.
	 *
	 * @param listingMaxAge how long one read of the servers' stream lists answers whether
	 * a stream is live
	 */
	@Validated
	@ConfigurationProperties("srs")
	record ListingSettings(@NotNull @DefaultValue("1s") Duration listingMaxAge) {
	}

}
