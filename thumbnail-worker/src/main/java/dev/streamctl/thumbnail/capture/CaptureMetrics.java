package dev.streamctl.thumbnail.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** Counters of the capture pool; gauges are registered by {@link CaptureService}. */
@Component
class CaptureMetrics {

	private final MeterRegistry meters;

	private final Counter frames;

	private final Counter restarts;

	private final Counter startFailures;

	CaptureMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.frames = Counter.builder("thumbnail.frames").description("Thumbnails written").register(meters);
		this.restarts = Counter.builder("thumbnail.captures.restarts")
			.description("FFmpeg runs restarted")
			.register(meters);
		this.startFailures = Counter.builder("thumbnail.captures.failures")
			.description("FFmpeg runs that could not start or write")
			.register(meters);
	}

	void frame() {
		this.frames.increment();
	}

	void restarted() {
		this.restarts.increment();
	}

	void startFailed() {
		this.startFailures.increment();
	}

	double startFailures() {
		return this.startFailures.count();
	}

	/**
	 * A capture job's fate: started, duplicate, unknown_channel, invalid, retried,
	 * given_up, stopped, handed_back.
	 */
	void job(String outcome) {
		this.meters.counter("thumbnail.jobs", "outcome", outcome).increment();
	}

}
