package dev.streamctl.thumbnail.capture;

import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** Counters of the capture pool; gauges are registered by {@link CaptureService}. */
@Component
class CaptureMetrics {

	/**
	 * The codec labels counted by name: every classic FLV codec id, and the enhanced-FLV
	 * FourCCs in use. Any other FourCC (a stream can send any four bytes) is counted as
	 * {@code other}, so a stream cannot make new time series.
	 */
	private static final Pattern CODEC_LABEL = Pattern.compile("codecid-[0-9]{1,2}|fourcc-(hvc1|av01|vp09|vp08|none)");

	private final MeterRegistry meters;

	private final Counter frames;

	CaptureMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.frames = Counter.builder("thumbnail.frames").description("Thumbnails written").register(meters);
	}

	/**
	 * A keyframe's decode: written (also counted as a frame), decode_failed,
	 * write_failed.
	 */
	void decode(String outcome) {
		if ("written".equals(outcome)) {
			this.frames.increment();
		}
		this.meters.counter("thumbnail.decodes", "outcome", outcome).increment();
	}

	/**
	 * An HTTP-FLV read that ended, by why: no_headers, http_status, no_video, ended,
	 * tap_failed, unsupported_codec, unreachable.
	 */
	void read(String outcome) {
		this.meters.counter("thumbnail.reads", "outcome", outcome).increment();
	}

	/** A keyframe not kept: too_large, no_codec_configuration, malformed. */
	void keyframeDropped(String reason) {
		this.meters.counter("thumbnail.keyframes.dropped", "reason", reason).increment();
	}

	/** A stream whose video is not H.264, by the tap's codec label. */
	void unsupportedCodec(String codec) {
		String label = CODEC_LABEL.matcher(codec).matches() ? codec : "other";
		this.meters.counter("thumbnail.unsupported.codec", "codec", label).increment();
	}

	/**
	 * A capture job's fate: started, duplicate, unknown_channel, invalid, retried, ended,
	 * stale, given_up, unsupported_codec, stopped, handed_back.
	 */
	void job(String outcome) {
		this.meters.counter("thumbnail.jobs", "outcome", outcome).increment();
	}

}
