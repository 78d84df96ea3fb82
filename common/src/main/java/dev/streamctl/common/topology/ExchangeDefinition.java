package dev.streamctl.common.topology;

import java.util.Objects;

/**
 * A durable exchange, neither auto-deleted nor internal: the only kind this deployment
 * declares.
 *
 * @param name the exchange's name; never the default exchange, which is not declared
 * @param type how it routes
 */
public record ExchangeDefinition(String name, Type type) {

	public ExchangeDefinition {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(type, "type");
		if (name.isEmpty()) {
			throw new IllegalArgumentException("the default exchange cannot be declared");
		}
	}

	public static ExchangeDefinition topic(String name) {
		return new ExchangeDefinition(name, Type.TOPIC);
	}

	public static ExchangeDefinition fanout(String name) {
		return new ExchangeDefinition(name, Type.FANOUT);
	}

	/** The exchange types in use, with the name the broker knows them by. */
	public enum Type {

		TOPIC("topic"), FANOUT("fanout");

		private final String brokerName;

		Type(String brokerName) {
			this.brokerName = brokerName;
		}

		public String brokerName() {
			return this.brokerName;
		}

	}

}
