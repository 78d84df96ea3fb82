package dev.streamctl.common.topology;

/**
 * The durable objects of a deployment that {@code rabbitmq/definitions.json} declares, so
 * that the broker holds them (and keeps what is published to them) before any service
 * starts. Every part whose shape does not depend on a service's settings, and the status
 * worker's grace and retry queues of its default settings; the services declare the same
 * again, and the parametrised rest (the queues of other settings, control and lock
 * queues), themselves.
 */
public final class DeploymentTopology {

	private DeploymentTopology() {
	}

	public static Topology definitions() {
		return EventTopology.log(EventTopology.DEFAULT_LOG_RETENTION)
			.plus(StatusTopology.queues())
			.plus(StatusTopology.grace(StatusTopology.DEFAULT_RECONNECT_GRACE))
			.plus(StatusTopology.retry(StatusTopology.DEFAULT_RETRY_DELAYS))
			.plus(ThumbnailTopology.pool());
	}

}
