package dev.streamctl.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where an event came from. */
public enum EventSource {

	/**
	 * An SRS callback received by the hook gateway: an {@code http_hooks} hook, or SRS's
	 * {@code heartbeat} ({@link SrsHeartbeat}).
	 */
	@JsonProperty("srs-hook")
	SRS_HOOK,

	/** A correction made by comparing the store with SRS's HTTP API. */
	@JsonProperty("reconciler")
	RECONCILER,

	/** An event re-applied from the {@code srs.events.log} stream. */
	@JsonProperty("replay")
	REPLAY,

	/**
	 * A thumbnail worker, from what it saw while reading a live stream
	 * ({@link StreamStalled}, {@link StreamResumed}).
	 */
	@JsonProperty("thumbnail-worker")
	THUMBNAIL_WORKER

}
