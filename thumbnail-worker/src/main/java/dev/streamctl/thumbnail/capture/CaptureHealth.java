package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.streamctl.thumbnail.capture.ffmpeg.Leftovers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Not ready when captures cannot start: FFmpeg does not run, or the thumbnail directory
 * is not writable. At start it also kills captures a dead worker left behind on this
 * host.
 */
@Component("captures")
class CaptureHealth implements HealthIndicator {

	private static final Logger log = LoggerFactory.getLogger(CaptureHealth.class);

	private final ThumbnailFiles files;

	private final @Nullable String ffmpegProblem;

	CaptureHealth(ThumbnailFiles files, CaptureSettings settings) {
		this.files = files;
		this.ffmpegProblem = checkFfmpeg(settings.ffmpeg());
		if (this.ffmpegProblem != null) {
			log.error("Captures cannot start: {}", this.ffmpegProblem);
		}
		int swept = Leftovers.sweep();
		if (swept > 0) {
			log.warn("Killed {} FFmpeg captures left behind by a worker that died", swept);
		}
	}

	@Override
	public Health health() {
		if (this.ffmpegProblem != null) {
			return Health.down().withDetail("error", this.ffmpegProblem).build();
		}
		if (!this.files.isWritable()) {
			return Health.down().withDetail("error", "the thumbnail directory is not writable").build();
		}
		return Health.up().build();
	}

	private static @Nullable String checkFfmpeg(String ffmpeg) {
		try {
			Process version = new ProcessBuilder(List.of(ffmpeg, "-version")).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!version.waitFor(10, TimeUnit.SECONDS)) {
				version.destroyForcibly();
				return ffmpeg + " -version did not answer within 10 s";
			}
			return (version.exitValue() == 0) ? null : ffmpeg + " -version exited with " + version.exitValue();
		}
		catch (IOException ex) {
			return "cannot run " + ffmpeg + ": " + ex.getMessage() + " (install FFmpeg or set THUMBNAIL_FFMPEG)";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted while checking " + ffmpeg;
		}
	}

}
