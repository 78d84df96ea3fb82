package dev.streamctl.gateway.delivery;

import java.util.Locale;

/** What became of an event handed to {@link EventDelivery}. */
public enum DeliveryOutcome {

	/** The broker confirmed it within the deadline. */
	CONFIRMED,

	/** It is on the local spool and will reach the broker when it can. */
	SPOOLED,

	/** Neither the broker nor the spool could take it: logged and counted. */
	LOST;

	String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
