package dev.streamctl.support;

import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.store.SupabaseChannelDirectory;
import dev.streamctl.store.SupabaseSettings;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The channel directory on Supabase, configured by {@link SupabaseSettings}
 * ({@code supabase.*}). A service that defines its own {@link ChannelDirectory} gets
 * neither the directory nor the settings, so it needs no Supabase key.
 */
@AutoConfiguration(after = WebClientAutoConfiguration.class)
@ConditionalOnClass(WebClient.class)
@ConditionalOnMissingBean(ChannelDirectory.class)
@EnableConfigurationProperties(SupabaseSettings.class)
class ChannelDirectoryAutoConfiguration {

	@Bean
	SupabaseChannelDirectory channelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
		return new SupabaseChannelDirectory(builder, settings);
	}

}
