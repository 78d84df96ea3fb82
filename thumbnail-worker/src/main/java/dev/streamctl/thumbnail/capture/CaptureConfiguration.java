package dev.streamctl.thumbnail.capture;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.rabbitmq.client.ShutdownSignalException;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.QueueDefinition;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.common.topology.Topology;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecoder;
import dev.streamctl.thumbnail.events.StreamHealthEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CaptureConfiguration {

	private static final Logger log = LoggerFactory.getLogger(CaptureConfiguration.class);

	/** Listener containers stop after the capture service has handed its jobs back. */
	private static final int LISTENER_PHASE = Integer.MAX_VALUE - 1000;

	/**
	 * The event exchange and log, so that the log exists whichever service starts first.
	 */
	@Bean
	Topology eventTopology() {
		return EventTopology.log(EventTopology.DEFAULT_LOG_RETENTION);
	}

	/**
	 * The one HTTP client of every capture's reader: HTTP/1.1 (SRS's HTTP-FLV), no
	 * redirects (a redirect could send the stream key elsewhere), connecting within the
	 * header timeout.
	 */
	@Bean
	HttpClient flvHttpClient(CaptureSettings settings) {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(settings.headerTimeout())
			.build();
	}

	/** The decode threads shared by every capture; closed with the context. */
	@Bean
	DecodePool decodePool(CaptureSettings settings, ThumbnailFiles files, CaptureMetrics metrics, Clock clock,
			MeterRegistry meters) {
		int threads = DecodePool.threadsFor(settings.decodeThreads());
		DecodePool pool = new DecodePool(threads, settings.interval(), files, metrics, clock,
				() -> new KeyframeDecoder(settings.width(), settings.quality()));
		Gauge.builder("thumbnail.decode.queue", pool, DecodePool::queued)
			.description("Streams waiting for a decode thread, now or at their next interval")
			.register(meters);
		log.info("Decoding thumbnails on {} threads", threads);
		return pool;
	}

	/**
	 * A capture's stalls become {@code stream.stalled} and {@code stream.resumed} events.
	 */
	@Bean
	StallReports stallReports(StreamHealthEvents events) {
		return new StallReports() {
			@Override
			public void stalled(SrsSession session, Instant lastVideoAt) {
				events.stalled(session, lastVideoAt);
			}

			@Override
			public void resumed(SrsSession session, Instant stalledAt) {
				events.resumed(session, stalledAt);
			}
		};
	}

	/** The durable pool queues. */
	@Bean
	Topology captureTopology() {
		return ThumbnailTopology.pool();
	}

	/**
	 * This worker's own queue of every stream event; it lives as long as the worker's
	 * connection.
	 */
	@Bean
	QueueDefinition controlQueue() {
		return ThumbnailTopology.controlQueue(UUID.randomUUID().toString());
	}

	@Bean
	Topology controlTopology(QueueDefinition controlQueue) {
		return ThumbnailTopology.control(controlQueue);
	}

	@Bean
	SimpleRabbitListenerContainerFactory captureJobListenerFactory(ConnectionFactory connectionFactory,
			CaptureSettings settings) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		factory.setPrefetchCount(settings.maxCaptures());
		factory.setConcurrentConsumers(1);
		factory.setPhase(LISTENER_PHASE);
		return factory;
	}

	@Bean
	SimpleRabbitListenerContainerFactory controlListenerFactory(ConnectionFactory connectionFactory) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
		factory.setPrefetchCount(50);
		factory.setDefaultRequeueRejected(false);
		factory.setPhase(LISTENER_PHASE);
		return factory;
	}

	/**
	 * Losing the connection loses every lock and job with it: stop the captures that
	 * relied on them.
	 */
	@Bean
	ConnectionListener captureConnectionWatch(AbstractConnectionFactory connectionFactory, CaptureService captures) {
		ConnectionListener listener = new ConnectionListener() {
			@Override
			public void onCreate(@Nullable Connection connection) {
			}

			@Override
			public void onShutDown(ShutdownSignalException signal) {
				if (!signal.isInitiatedByApplication()) {
					captures.connectionLost();
				}
			}
		};
		connectionFactory.addConnectionListener(listener);
		return listener;
	}

}
