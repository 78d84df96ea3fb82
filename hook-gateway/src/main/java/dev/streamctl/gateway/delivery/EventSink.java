package dev.streamctl.gateway.delivery;

import java.util.concurrent.CompletableFuture;

import dev.streamctl.common.event.SrsEvent;

/**
 * Where the hook path hands its events (stream events and SRS heartbeats):
 * {@link EventDelivery} in the application (broker within a deadline, else the local
 * spool), a recording stand-in in the services' unit tests.
 */
public interface EventSink {

	/**
	 * Hands an event over; the answer says where it is once it is safe. It never
	 * completes exceptionally.
	 */
	CompletableFuture<DeliveryOutcome> deliver(SrsEvent event);

}
