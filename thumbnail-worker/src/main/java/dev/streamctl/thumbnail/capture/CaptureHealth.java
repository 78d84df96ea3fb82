package dev.streamctl.thumbnail.capture;

import dev.streamctl.thumbnail.capture.decode.DecoderAvailability;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Not ready when thumbnails cannot be made: the decoder's native libraries do not load on
 * this platform, or the thumbnail directory is not writable.
 */
@Component("captures")
class CaptureHealth implements HealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(CaptureHealth.class);

	private final ThumbnailFiles files;

	private final DecoderAvailability decoder;

	@Autowired
	CaptureHealth(ThumbnailFiles files) {
		this(files, KeyframeDecoder.availability());
	}

	CaptureHealth(ThumbnailFiles files, DecoderAvailability decoder) {
		this.files = files;
		this.decoder = decoder;
		if (!decoder.available()) {
			log.error("Thumbnails cannot be made: {}", decoder.description());
		}
	}

	@Override
	public Health health() {
		if (!this.decoder.available()) {
			return Health.down().withDetail("error", this.decoder.description()).build();
		}
		if (!this.files.isWritable()) {
			return Health.down().withDetail("error", "the thumbnail directory is not writable").build();
		}
		return Health.up().withDetail("decoder", this.decoder.description()).build();
	}

}
