package dev.streamctl.thumbnail.events;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.UUID;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.topology.EventTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stall publisher in front of a broker that accepts the connection and never answers:
 * the capture engine's watchdog must not wait for it.
 */
class StreamHealthEventsTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final SrsSession session = FixtureEvents
		.published("k" + UUID.randomUUID().toString().replace("-", ""), "c1", TestClock.START)
		.session();

	private final ServerSocket silentBroker;

	private final CachingConnectionFactory connectionFactory;

	private final StreamHealthEvents events;

	StreamHealthEventsTest() throws IOException {
		this.silentBroker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.connectionFactory = new CachingConnectionFactory("127.0.0.1", this.silentBroker.getLocalPort());
		this.connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		this.connectionFactory.setPublisherReturns(true);
		RabbitTemplate template = new RabbitTemplate(this.connectionFactory);
		template.setMandatory(true);
		this.events = new StreamHealthEvents(template, new EventCodec(), new TestClock(), this.meters, 1);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.silentBroker.close();
		this.events.destroy();
		this.connectionFactory.destroy();
	}

	@Test
	void dropsAndCountsWhatDoesNotFitBehindAPublishTheBrokerHoldsInsteadOfWaiting() throws IOException {
		for (int i = 0; i < 4; i++) {
			this.events.stalled(this.session, TestClock.START);
		}

		// the first event is held in the broker's handshake, the second waits behind it:
		// the other two calls returned at once, counted failed, without waiting
		assertThat(failed()).isEqualTo(2);
		assertThat(published()).isZero();

		this.silentBroker.close();

		await().untilAsserted(() -> assertThat(failed()).isEqualTo(4));
		assertThat(published()).isZero();
	}

	private double failed() {
		return this.meters.get("thumbnail.stream.events")
			.tag("type", EventTopology.STALLED)
			.tag("outcome", "failed")
			.counter()
			.count();
	}

	private double published() {
		return this.meters.get("thumbnail.stream.events")
			.tag("type", EventTopology.STALLED)
			.tag("outcome", "published")
			.counter()
			.count();
	}

}
