package dev.streamctl.support;

import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.store.ChannelStore;
import dev.streamctl.store.SupabaseChannelDirectory;
import dev.streamctl.store.SupabaseChannelStore;
import dev.streamctl.store.SupabaseSettings;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The channel store on Supabase, configured by {@link SupabaseSettings}
 * ({@code supabase.*}), in the view each service can use: the reactive
 * {@link ChannelDirectory} on Boot's {@link WebClient.Builder}, and the blocking
 * {@link ChannelStore} on Boot's {@link RestClient.Builder} for servlet and non-web
 * applications (the workers) only: a reactive one (the gateway) must not block, so it
 * gets no blocking store. A service that defines its own of either gets none of that
 * kind; one that defines both needs no Supabase settings.
 */
@AutoConfiguration(after = { WebClientAutoConfiguration.class, RestClientAutoConfiguration.class })
class ChannelDirectoryAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebClient.class)
	@ConditionalOnBean(WebClient.Builder.class)
	@ConditionalOnMissingBean(ChannelDirectory.class)
	@EnableConfigurationProperties(SupabaseSettings.class)
	static class Reactive {

		@Bean
		SupabaseChannelDirectory channelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
			return new SupabaseChannelDirectory(builder, settings);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClient.class)
	@ConditionalOnBean(RestClient.Builder.class)
	@Conditional(NotReactive.class)
	@ConditionalOnMissingBean(ChannelStore.class)
	@EnableConfigurationProperties(SupabaseSettings.class)
	static class Blocking {

		@Bean
		SupabaseChannelStore channelStore(RestClient.Builder builder, SupabaseSettings settings) {
			return new SupabaseChannelStore(builder, settings);
		}

	}

	/** Not a reactive web application. */
	static class NotReactive extends NoneNestedConditions {

		NotReactive() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static class Reactive {

		}

	}

}
