package dev.streamctl.thumbnail.capture;

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
import org.springframework.validation.annotation.Validated;

/**
 * How thumbnails are captured.
 *
 * @param directory where {@code <md5(channel uuid)>.jpg} files go ({@code THUMBNAIL_DIR})
 * @param interval time between two thumbnails of a stream
 * @param width thumbnail width in pixels; the height keeps the aspect ratio
 * @param quality JPEG quality, 2 (best) to 31 (smallest)
 * @param inputUrl the stream URL with {@code {app}} and {@code {stream}} placeholders,
 * RTMP or HTTP-FLV
 * @param maxCaptures the most captures this worker runs at once; more streams wait for
 * another worker
 * @param ffmpeg the FFmpeg executable
 * @param probeTime how long FFmpeg may analyze the input before the first frame
 * @param probeSize how many bytes FFmpeg may read to analyze the input
 * @param stallIntervals how many intervals without a frame make a capture stalled and
 * restarted
 * @param restartBackoff first pause before restarting a failed capture; doubles up to
 * {@code restartMaxBackoff}
 * @param restartMaxBackoff longest pause before a restart
 * @param maxFailures failures in a row after which a capture is given up
 * @param keepLastThumbnail whether a stream's last thumbnail stays when its capture stops
 * @param lockRetries how often a job whose stream another worker captures is retried
 * before it is taken for a duplicate
 * @param streamNamePattern the stream names accepted (as in the gateway); others are
 * never captured
 * @param quickFirstFrame whether a capture starts with a short FFmpeg run that decodes
 * every frame up to the first image (see
 * {@link dev.streamctl.thumbnail.capture.ffmpeg.FfmpegCommand#firstFrame}), so that the
 * first thumbnail does not wait for the keyframes-only decoder's reordering delay
 */
@Validated
@ConfigurationProperties("thumbnail")
public record CaptureSettings(@NotNull @DefaultValue("./thumbnails") Path directory,
		@NotNull @DurationMin(seconds = 1) @DefaultValue("10s") Duration interval,
		@Min(16) @Max(3840) @DefaultValue("320") int width, @Min(2) @Max(31) @DefaultValue("5") int quality,
		@NotBlank @DefaultValue("rtmp://srs:1935/{app}/{stream}") String inputUrl,
		@Min(1) @Max(1000) @DefaultValue("16") int maxCaptures, @NotBlank @DefaultValue("ffmpeg") String ffmpeg,
		@NotNull @DefaultValue("1500ms") Duration probeTime, @Min(32) @DefaultValue("5000000") int probeSize,
		@Min(2) @Max(100) @DefaultValue("3") int stallIntervals, @NotNull @DefaultValue("1s") Duration restartBackoff,
		@NotNull @DefaultValue("30s") Duration restartMaxBackoff, @Min(1) @Max(100) @DefaultValue("5") int maxFailures,
		@DefaultValue("true") boolean keepLastThumbnail, @Min(0) @Max(100) @DefaultValue("5") int lockRetries,
		@NotNull @DefaultValue("[A-Za-z0-9._~-]{1," + StreamKey.MAX_LENGTH + "}") Pattern streamNamePattern,
		@DefaultValue("true") boolean quickFirstFrame) {

	/** The input URL of a stream. */
	public String inputUrlOf(String app, StreamKey stream) {
		return this.inputUrl.replace("{app}", app).replace("{stream}", stream.value());
	}

}
