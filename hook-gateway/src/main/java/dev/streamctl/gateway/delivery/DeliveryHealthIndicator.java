package dev.streamctl.gateway.delivery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Ready while events have somewhere durable to go: the broker, or a writable spool with
 * room left. A broker outage alone does not make the gateway unready: SRS must keep
 * getting answers.
 */
@Component("delivery")
class DeliveryHealthIndicator implements HealthIndicator {

	private final BrokerLink broker;

	private final EventSpool spool;

	DeliveryHealthIndicator(BrokerLink broker, EventSpool spool) {
		this.broker = broker;
		this.spool = spool;
	}

	@Override
	public Health health() {
		boolean brokerUp = this.broker.isUp();
		boolean spoolWritable = this.spool.isWritable();
		Health.Builder health = (brokerUp || spoolWritable) ? Health.up() : Health.down();
		return health.withDetail("broker", brokerUp ? "up" : (this.broker.isConnected() ? "blocked" : "down"))
			.withDetail("spoolWritable", spoolWritable)
			.withDetail("spoolDepth", this.spool.depth())
			.build();
	}

}
