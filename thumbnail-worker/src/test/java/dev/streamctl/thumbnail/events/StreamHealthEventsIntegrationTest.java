package dev.streamctl.thumbnail.events;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.topology.EventTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stall publisher with the worker's own broker settings ({@code application.yml}:
 * confirms, mandatory) against the real broker, in a vhost of its own.
 */
@DirtiesContext
@SpringBootTest(classes = StreamHealthEventsIntegrationTest.Slice.class)
class StreamHealthEventsIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("thumbnail-events");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
	}

	@Autowired
	StreamHealthEvents events;

	@Autowired
	TestClock clock;

	@Autowired
	MeterRegistry meters;

	private final EventCodec codec = new EventCodec();

	private final TopicExchange exchange = new TopicExchange(EventTopology.EXCHANGE, true, false);

	private TestRabbit rabbit;

	private String key;

	private SrsSession session;

	@BeforeEach
	void setUp() {
		this.rabbit = new TestRabbit(broker, vhost);
		this.rabbit.admin().declareExchange(this.exchange);
		this.key = "k" + UUID.randomUUID().toString().replace("-", "");
		this.session = FixtureEvents.published(this.key, "c1", TestClock.START).session();
		this.clock.set(TestClock.START);
	}

	@AfterEach
	void tearDown() {
		this.rabbit.close();
	}

	@Test
	void publishesAStallAndItsEndWithTheirRoutingKeysAsTheGatewayPublishesEvents() {
		String tap = tap(EventTopology.STALLED, EventTopology.RESUMED);
		Instant lastVideoAt = TestClock.START.minusSeconds(20);
		Instant stalledAt = TestClock.START;
		double stalledBefore = count(EventTopology.STALLED, "published");
		double resumedBefore = count(EventTopology.RESUMED, "published");

		this.events.stalled(this.session, lastVideoAt);
		this.clock.advance(Duration.ofSeconds(45));
		this.events.resumed(this.session, stalledAt);

		List<Message> messages = receive(tap, 2);
		StreamEvent stalled = this.codec.decode(messages.get(0).getBody());
		StreamEvent resumed = this.codec.decode(messages.get(1).getBody());
		assertThat(stalled).isEqualTo(new StreamStalled(1, stalled.eventId(), stalledAt, EventSource.THUMBNAIL_WORKER,
				this.session, lastVideoAt));
		assertThat(resumed).isEqualTo(new StreamResumed(1, resumed.eventId(), stalledAt.plusSeconds(45),
				EventSource.THUMBNAIL_WORKER, this.session, stalledAt));
		assertThat(stalled.eventId()).isNotEqualTo(resumed.eventId());
		assertPublishedAsTheContractSays(messages.get(0), stalled);
		assertPublishedAsTheContractSays(messages.get(1), resumed);
		await().untilAsserted(() -> {
			assertThat(count(EventTopology.STALLED, "published")).isEqualTo(stalledBefore + 1);
			assertThat(count(EventTopology.RESUMED, "published")).isEqualTo(resumedBefore + 1);
		});
	}

	@Test
	void countsAndLogsMaskedAnEventTheBrokerRefusesWithoutThrowingAndGoesOn() {
		double failed = count(EventTopology.STALLED, "failed");
		// A refused publish makes the broker close its channel, and the connection
		// factory's own thread then fails returning that channel to its cache: an
		// uncaught exception Awaitility would otherwise pin on this test. The test's
		// broker
		// calls may meet such a channel; each is idempotent, so they are tried again.
		await().dontCatchUncaughtExceptions()
			.ignoreExceptions()
			.untilAsserted(() -> this.rabbit.admin().deleteExchange(EventTopology.EXCHANGE));

		try (CapturedLogs logs = CapturedLogs.of(StreamHealthEvents.class)) {
			this.events.stalled(this.session, TestClock.START);

			await().dontCatchUncaughtExceptions()
				.untilAsserted(() -> assertThat(count(EventTopology.STALLED, "failed")).isEqualTo(failed + 1));
			assertThat(logs.all()).contains("WARN Could not publish stream.stalled of " + this.key.substring(0, 3))
				.doesNotContain(this.key);
		}

		await().dontCatchUncaughtExceptions()
			.ignoreExceptions()
			.untilAsserted(() -> this.rabbit.admin().declareExchange(this.exchange));
		String tap = await().dontCatchUncaughtExceptions()
			.ignoreExceptions()
			.until(() -> tap(EventTopology.STALLED), name -> name != null);
		this.events.stalled(this.session, TestClock.START);
		assertThat(this.codec.decode(receive(tap, 1).get(0).getBody())).isInstanceOf(StreamStalled.class);
	}

	@Test
	void countsAnEventNoQueueTakesAsFailedSinceTheLogShouldAlwaysTakeIt() {
		double failed = count(EventTopology.RESUMED, "failed");
		double published = count(EventTopology.RESUMED, "published");

		try (CapturedLogs logs = CapturedLogs.of(StreamHealthEvents.class)) {
			this.events.resumed(this.session, TestClock.START);

			await().untilAsserted(() -> assertThat(count(EventTopology.RESUMED, "failed")).isEqualTo(failed + 1));
			assertThat(logs.all()).contains(EventTopology.LOG_QUEUE).doesNotContain(this.key);
		}
		assertThat(count(EventTopology.RESUMED, "published")).isEqualTo(published);
	}

	private void assertPublishedAsTheContractSays(Message message, StreamEvent event) {
		var properties = message.getMessageProperties();
		assertThat(properties.getReceivedExchange()).isEqualTo(EventTopology.EXCHANGE);
		assertThat(properties.getReceivedRoutingKey()).isEqualTo(event.routingKey());
		assertThat(properties.getType()).isEqualTo(event.routingKey());
		assertThat(properties.getMessageId()).isEqualTo(event.eventId().toString());
		assertThat(properties.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
		assertThat(properties.getContentType()).isEqualTo(EventCodec.CONTENT_TYPE);
		assertThat(properties.getTimestamp()).isEqualTo(Date.from(event.occurredAt()));
		assertThat(properties.getHeaders().values()).noneMatch(value -> String.valueOf(value).contains(this.key));
		assertThat(properties.toString()).doesNotContain(this.key);
	}

	/**
	 * A queue of this test's connection bound to the event exchange with exactly these
	 * keys.
	 */
	private String tap(String... routingKeys) {
		Queue queue = new Queue("tap-" + UUID.randomUUID(), false, true, false);
		this.rabbit.admin().declareQueue(queue);
		for (String routingKey : routingKeys) {
			Binding binding = BindingBuilder.bind(queue).to(this.exchange).with(routingKey);
			this.rabbit.admin().declareBinding(binding);
		}
		return queue.getName();
	}

	private List<Message> receive(String queue, int count) {
		List<Message> messages = new ArrayList<>();
		await().dontCatchUncaughtExceptions().untilAsserted(() -> {
			Message next = this.rabbit.receive(queue);
			if (next != null) {
				messages.add(next);
			}
			assertThat(messages).hasSize(count);
		});
		return messages;
	}

	private double count(String type, String outcome) {
		return this.meters.get("thumbnail.stream.events").tag("type", type).tag("outcome", outcome).counter().count();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(RabbitAutoConfiguration.class)
	@Import(StreamHealthEvents.class)
	static class Slice {

		@Bean
		TestClock clock() {
			return new TestClock();
		}

		@Bean
		EventCodec eventCodec() {
			return new EventCodec();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
