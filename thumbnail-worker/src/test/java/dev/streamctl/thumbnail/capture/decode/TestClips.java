package dev.streamctl.thumbnail.capture.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.streamctl.common.test.SrsFixtures;

/**
 * Real H.264 in FLV: the SRS 6 HTTP-FLV capture (720p High profile with B-frames), and
 * clips made with the system FFmpeg.
 */
final class TestClips {

	private TestClips() {
	}

	/**
	 * What a reader joining a live SRS stream got: 1280x720, High profile, 2 B-frames.
	 */
	static FlvVideo srs720p() throws IOException {
		return FlvVideo.read(SrsFixtures.directory().resolve("http-flv/srs_http_flv_join.flv"));
	}

	/**
	 * Two seconds of FFmpeg's test pattern as OBS would send it: H.264 High profile with
	 * 2 B-frames and a 2 s GOP, yuv420p, with AAC audio, in FLV.
	 */
	static FlvVideo testPattern(Path directory, int width, int height) throws IOException, InterruptedException {
		return make(directory, "testsrc2-" + width + "x" + height, "testsrc2=size=" + width + "x" + height + ":rate=30",
				"23");
	}

	/**
	 * The test pattern under heavy noise at a high bitrate: keyframes of several hundred
	 * kilobytes, so that anything kept per decode shows in the process's memory.
	 */
	static FlvVideo noisyPattern(Path directory, int width, int height) throws IOException, InterruptedException {
		return make(directory, "noisy-" + width + "x" + height,
				"testsrc2=size=" + width + "x" + height + ":rate=30,noise=alls=30:allf=t", "10");
	}

	private static FlvVideo make(Path directory, String name, String source, String crf)
			throws IOException, InterruptedException {
		Path flv = directory.resolve(name + ".flv");
		Path log = directory.resolve(name + ".log");
		Process ffmpeg = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
				"-f", "lavfi", "-i", source, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2",
				"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "2", "-g", "60", "-crf", crf,
				"-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", flv.toString()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!ffmpeg.waitFor(60, TimeUnit.SECONDS)) {
			ffmpeg.destroyForcibly();
			throw new IllegalStateException("ffmpeg did not make " + flv + " within 60 s");
		}
		if (ffmpeg.exitValue() != 0) {
			throw new IllegalStateException("ffmpeg failed making " + flv + ": " + Files.readString(log));
		}
		return FlvVideo.read(flv);
	}

}
