package dev.streamctl.thumbnail.capture;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import dev.streamctl.common.event.StreamKey;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How thumbnails are captured.
 *
 * @param directory where {@code <md5(channel uuid)>.jpg} files go ({@code THUMBNAIL_DIR})
 * @param interval time between two thumbnails of a stream
 * @param width thumbnail width in pixels; the height keeps the aspect ratio
 * @param quality JPEG quality, 2 (best) to 31 (smallest)
 * @param inputUrl the stream's HTTP-FLV URL with {@code {app}} and {@code {stream}}
 * placeholders (SRS's {@code http_remux}); it carries the stream key, so it is never
 * logged in full
 * @param maxCaptures the most streams this worker captures at once; more streams wait for
 * another worker
 * @param decodeThreads how many keyframes are decoded at once, shared by every stream; 0
 * for half the cores
 * @param maxKeyframeSize the largest keyframe kept; a larger one is dropped (logged and
 * counted) and the previous one stays
 * @param headerTimeout the longest wait for SRS's response headers (SRS holds the request
 * of a stream that is not publishing open and silent); then the reader retries
 * @param videoTimeout the longest wait for the first video after the response headers;
 * then the reader reconnects
 * @param stallTimeout how long a live stream may send no video before a
 * {@code stream.stalled} event
 * @param restartBackoff first pause before a reader connects again after a failure;
 * doubles up to {@code restartMaxBackoff}
 * @param restartMaxBackoff longest pause before a reader connects again
 * @param maxFailures failed connections in a row after which a capture is given up when
 * no SRS API is configured to say whether the stream is still live
 * @param keepLastThumbnail whether a stream's last thumbnail stays when its capture stops
 * @param lockRetries how often a job whose stream another worker captures is retried
 * before it is taken for a duplicate
 * @param streamNamePattern the stream names accepted (as in the gateway); others are
 * never captured
 * @param maxJobAge a job older than this whose channel the store holds as offline is
 * settled without connecting
 */
@Validated
@ConfigurationProperties("thumbnail")
public record CaptureSettings(@NotNull @DefaultValue("./thumbnails") Path directory,
		@NotNull @DurationMin(seconds = 1) @DefaultValue("10s") Duration interval,
		@Min(16) @Max(3840) @DefaultValue("320") int width, @Min(2) @Max(31) @DefaultValue("5") int quality,
		@NotBlank @DefaultValue("http://srs:8080/{app}/{stream}.flv") String inputUrl,
		@Min(1) @Max(10000) @DefaultValue("500") int maxCaptures,
		@Min(0) @Max(256) @DefaultValue("0") int decodeThreads, @NotNull @DefaultValue("4MB") DataSize maxKeyframeSize,
		@NotNull @DurationMin(millis = 100) @DefaultValue("3s") Duration headerTimeout,
		@NotNull @DurationMin(millis = 100) @DefaultValue("5s") Duration videoTimeout,
		@NotNull @DurationMin(seconds = 1) @DefaultValue("20s") Duration stallTimeout,
		@NotNull @DurationMin(millis = 1) @DefaultValue("1s") Duration restartBackoff,
		@NotNull @DurationMin(millis = 1) @DefaultValue("30s") Duration restartMaxBackoff,
		@Min(1) @Max(100) @DefaultValue("5") int maxFailures, @DefaultValue("true") boolean keepLastThumbnail,
		@Min(0) @Max(100) @DefaultValue("5") int lockRetries,
		@NotNull @DefaultValue("[A-Za-z0-9._~-]{1," + StreamKey.MAX_LENGTH + "}") Pattern streamNamePattern,
		@NotNull @DurationMin(seconds = 1) @DefaultValue("2m") Duration maxJobAge) {

	/** The input URL of a stream. */
	public URI inputUrlOf(String app, StreamKey stream) {
		return URI.create(this.inputUrl.replace("{app}", app).replace("{stream}", stream.value()));
	}

	/** The keyframe cap in bytes. */
	int maxKeyframeBytes() {
		return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1, this.maxKeyframeSize.toBytes()));
	}

}
