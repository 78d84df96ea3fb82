package dev.streamctl.gateway.delivery;

/** The spool already holds its configured size: the event cannot be kept. */
class SpoolFullException extends RuntimeException {

	SpoolFullException(long maxBytes) {
		super("the event spool is full (" + maxBytes
				+ " bytes); raise gateway.delivery.spool-max-size or bring the broker back");
	}

}
