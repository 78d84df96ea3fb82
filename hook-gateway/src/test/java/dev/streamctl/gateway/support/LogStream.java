package dev.streamctl.gateway.support;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.topology.EventTopology;

import static org.awaitility.Awaitility.await;

/** Reads the {@code srs.events.log} stream from its first offset, as a replay does. */
public final class LogStream {

	private LogStream() {
	}

	/** Waits until the log holds the event. */
	public static void awaitEvent(TestBroker broker, String vhost, UUID eventId) {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(broker.host());
		factory.setPort(broker.port());
		factory.setUsername(broker.username());
		factory.setPassword(broker.password());
		factory.setVirtualHost(vhost);
		Set<String> seen = ConcurrentHashMap.newKeySet();
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			channel.basicQos(100);
			channel.basicConsume(EventTopology.LOG_QUEUE, false, Map.of("x-stream-offset", "first"),
					(tag, delivery) -> {
						seen.add(delivery.getProperties().getMessageId());
						channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
					}, tag -> {
					});
			await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(eventId.toString()));
		}
		catch (Exception ex) {
			throw new AssertionError("event " + eventId + " is not in " + EventTopology.LOG_QUEUE, ex);
		}
	}

}
