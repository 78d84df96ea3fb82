package dev.streamctl.gateway.auth;

import dev.streamctl.common.directory.SupabaseChannelDirectory;
import dev.streamctl.common.directory.SupabaseSettings;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SupabaseSettings.class)
class DirectoryConfiguration {

	@Bean
	SupabaseChannelDirectory channelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
		return new SupabaseChannelDirectory(builder, settings);
	}

}
