package dev.streamctl.gateway.delivery;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.common.topology.Topology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.ImmediateEventExecutor;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannelImpl;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.amqp.autoconfigure.ConnectionFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

	@Bean
	EventSpool eventSpool(DeliverySettings settings, EventCodec codec, MeterRegistry meters) {
		EventSpool spool = new EventSpool(settings.spoolDirectory(), settings.spoolMaxSize().toBytes(),
				body -> EventDelivery.lane(codec.decode(body, SrsEvent.class)));
		Gauge.builder("gateway.spool.depth", spool, EventSpool::depth)
			.description("Events waiting in the local spool for the broker")
			.register(meters);
		Gauge.builder("gateway.spool.size", spool, EventSpool::bytes)
			.description("Bytes held by the local spool")
			.baseUnit("bytes")
			.register(meters);
		return spool;
	}

	/**
	 * Handles publisher confirms and returns on the connection's own thread, as they
	 * arrive. By default Spring AMQP hands each one to a pooled thread: one thread
	 * wake-up per event, which at thousands of hooks per second cost more CPU than the
	 * confirms themselves. What a confirm completes is short and never blocks (answering
	 * the hook; spool work goes to the spool writers).
	 */
	@Bean
	static BeanPostProcessor confirmsOnTheConnectionThread() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof CachingConnectionFactory factory) {
					factory.setPublisherChannelFactory((channel, executor) -> new PublisherCallbackChannelImpl(channel,
							ImmediateEventExecutor.INSTANCE));
				}
				return bean;
			}

		};
	}

	/**
	 * The AMQP client's NIO mode: one I/O thread writes whatever publishes queued
	 * meanwhile in one go. The blocking mode flushes the socket after every publish, so a
	 * burst of events cost as many writes here and as many reads in the broker; with NIO
	 * the gateway's saturation throughput rose by half (docs/benchmarks.md). The client
	 * deprecates NIO in favour of Netty (rabbitmq-java-client#1664): moving to it needs
	 * that benchmark run again.
	 */
	@Bean
	// useNio(), until Netty is measured (see above)
	@SuppressWarnings("deprecation")
	ConnectionFactoryCustomizer nioConnections() {
		return factory -> factory.useNio();
	}

	/**
	 * The exchange and the log, with the configured retention. The shared
	 * auto-configuration declares it on every (re)connection; a log that exists with
	 * another retention is left as it is, and publishing goes on.
	 */
	@Bean
	Topology eventTopology(DeliverySettings settings) {
		return EventTopology.log(settings.logRetention());
	}

}
