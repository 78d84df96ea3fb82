package dev.streamctl.support;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.store.AppliedChange;
import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.store.ChannelStore;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.LiveStateChange;
import dev.streamctl.store.SupabaseChannelDirectory;
import dev.streamctl.store.SupabaseChannelStore;
import dev.streamctl.store.SupabaseSettings;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.common.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceSupportAutoConfigurationTest {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(RabbitAutoConfiguration.class,
			JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			WebClientAutoConfiguration.class, RestClientAutoConfiguration.class, ClockAutoConfiguration.class,
			EventCodecAutoConfiguration.class, BrokerTopologyAutoConfiguration.class,
			ChannelDirectoryAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues("supabase.url=http://localhost:3000", "supabase.key=service-key");

	@Test
	void providesTheCodecBothViewsOfTheStoreAndAnAdminThatLogsRefusedDeclarations() {
		this.runner.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(EventCodec.class);
			assertThat(context.getBean(Clock.class).getZone()).isEqualTo(ZoneOffset.UTC);
			assertThat(context).hasSingleBean(SupabaseChannelDirectory.class);
			assertThat(context).hasSingleBean(SupabaseChannelStore.class);
			assertThat(context.getBean(SupabaseSettings.class).key()).isEqualTo("service-key");
			assertThat(context).hasSingleBean(AmqpAdmin.class);
			assertThat(context.getBean(AmqpAdmin.class)).isInstanceOfSatisfying(RabbitAdmin.class,
					admin -> assertThat(ReflectionTestUtils.getField(admin, "ignoreDeclarationExceptions"))
						.isEqualTo(true));
		});
	}

	@Test
	void givesAReactiveApplicationOnlyTheReactiveDirectory() {
		new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("supabase.url=http://localhost:3000", "supabase.key=service-key")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(ChannelDirectory.class);
				assertThat(context).doesNotHaveBean(ChannelStore.class);
			});
	}

	@Test
	void buildsTheBlockingStoreOnBootsRestClientBuilderSoItTalksJsonToSupabase() {
		try (FakePostgrest supabase = new FakePostgrest()) {
			UUID id = supabase.addChannel("k1");
			this.runner
				.withPropertyValues("supabase.url=" + supabase.url(), "supabase.key=" + FakePostgrest.SERVICE_KEY)
				.run(context -> {
					ChannelStore store = context.getBean(ChannelStore.class);

					assertThat(store.find(StreamKey.of("k1"))).get().extracting(Channel::id).isEqualTo(id);
					assertThat(store.applyAll(List.of(new LiveStateChange(UUID.randomUUID(), StreamKey.of("k1"),
							LiveState.ONLINE, Instant.parse("2026-11-24T10:15:30Z")))))
						.hasValueSatisfying(results -> assertThat(results).singleElement()
							.extracting(AppliedChange::result)
							.isEqualTo(AppliedChange.Result.APPLIED));
				});
		}
	}

	@Test
	void declaresTheTopologyPartsTheServiceDefinesEachObjectOnce() {
		this.runner.withUserConfiguration(StatusAndPoolParts.class).run(context -> {
			Declarables declarables = context.getBean(BrokerTopologyAutoConfiguration.TOPOLOGY_BEAN, Declarables.class);

			assertThat(names(declarables.getDeclarablesByType(Queue.class))).containsExactly(
					StatusTopology.EVENTS_QUEUE, StatusTopology.DEAD_LETTER_QUEUE, StatusTopology.LEADER_QUEUE,
					ThumbnailTopology.JOBS_QUEUE, ThumbnailTopology.RETRY_QUEUE);
			assertThat(declarables.getDeclarablesByType(Exchange.class)).extracting(Exchange::getName)
				.containsExactly(EventTopology.EXCHANGE, StatusTopology.DEAD_LETTER_EXCHANGE);
			assertThat(declarables.getDeclarablesByType(Queue.class).get(0).getArguments())
				.containsEntry("x-queue-type", "quorum")
				.containsEntry("x-delivery-limit", StatusTopology.DELIVERY_LIMIT);
		});
	}

	@Test
	void declaresNothingWhenTheServiceDefinesNoPart() {
		this.runner.run(context -> assertThat(
				context.getBean(BrokerTopologyAutoConfiguration.TOPOLOGY_BEAN, Declarables.class).getDeclarables())
			.isEmpty());
	}

	@Test
	void backsOffWhereTheServiceDefinesItsOwn() {
		this.runner.withUserConfiguration(OwnBeans.class).withPropertyValues("supabase.key=").run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(EventCodec.class)).isSameAs(context.getBean(OwnBeans.class).codec);
			assertThat(context).hasSingleBean(ChannelDirectory.class)
				.hasSingleBean(ChannelStore.class)
				.doesNotHaveBean(SupabaseSettings.class);
			assertThat(context.getBean(ChannelDirectory.class)).isSameAs(context.getBean("ownDirectory"));
			assertThat(context.getBean(ChannelStore.class)).isSameAs(context.getBean("ownStore"));
			assertThat(context).hasSingleBean(AmqpAdmin.class);
			assertThat(context.getBean(AmqpAdmin.class)).isSameAs(context.getBean("ownAdmin"));
			assertThat(context.getBean(BrokerTopologyAutoConfiguration.TOPOLOGY_BEAN))
				.isSameAs(context.getBean(OwnBeans.class).topology);
		});
	}

	@Test
	void refusesToStartWithoutTheSupabaseKeyNamingTheSetting() {
		this.runner.withPropertyValues("supabase.key=")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("supabase.key"));
	}

	private static List<String> names(List<Queue> queues) {
		return queues.stream().map(Queue::getName).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class StatusAndPoolParts {

		@Bean
		Topology statusParts() {
			return StatusTopology.queues();
		}

		@Bean
		Topology poolParts() {
			return ThumbnailTopology.pool();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		final EventCodec codec = new EventCodec();

		final Declarables topology = new Declarables();

		@Bean
		EventCodec ownCodec() {
			return this.codec;
		}

		final SupabaseSettings settings = new SupabaseSettings(URI.create("http://localhost:3000"), "own-key",
				SupabaseSettings.DEFAULT_TABLE, SupabaseSettings.Columns.ORIGINAL, Duration.ofSeconds(5), 2,
				Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(30), 1000);

		@Bean
		ChannelDirectory ownDirectory() {
			return new SupabaseChannelDirectory(WebClient.builder(), this.settings);
		}

		@Bean
		ChannelStore ownStore() {
			return new SupabaseChannelStore(RestClient.builder(), this.settings);
		}

		@Bean
		RabbitAdmin ownAdmin(ConnectionFactory connectionFactory) {
			return new RabbitAdmin(connectionFactory);
		}

		@Bean(BrokerTopologyAutoConfiguration.TOPOLOGY_BEAN)
		Declarables ownTopology() {
			return this.topology;
		}

	}

}
