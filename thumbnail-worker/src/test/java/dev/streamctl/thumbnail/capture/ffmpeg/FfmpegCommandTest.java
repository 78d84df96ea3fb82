package dev.streamctl.thumbnail.capture.ffmpeg;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import dev.streamctl.common.test.media.RtmpServer;
import dev.streamctl.common.test.media.SyntheticStream;
import dev.streamctl.thumbnail.capture.CaptureSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The capture commands against real FFmpeg reading a real RTMP server. */
class FfmpegCommandTest {

	private static final RtmpServer rtmp = new RtmpServer();

	private final CaptureSettings settings = new CaptureSettings(Path.of("unused"), Duration.ofSeconds(10), 320, 5,
			rtmp.urlTemplate(), 16, "ffmpeg", Duration.ofMillis(1500), 5_000_000, 3, Duration.ofSeconds(1),
			Duration.ofSeconds(30), 5, true, 5, Pattern.compile("[a-z0-9]+"), true);

	@AfterAll
	static void stopServer() {
		rtmp.close();
	}

	@Test
	// the stream is a resource only to be published while FFmpeg reads it
	@SuppressWarnings("try")
	void theQuickFirstFrameRunWritesOneScaledJpegAndExits() throws Exception {
		String url = rtmp.url("live", "quickfirst");
		try (SyntheticStream stream = SyntheticStream.small(url);
				FfmpegProcess ffmpeg = FfmpegProcess.start(FfmpegCommand.firstFrame(this.settings, url))) {
			List<byte[]> frames = new ArrayList<>();
			byte[] frame;
			while ((frame = ffmpeg.frames().next()) != null) {
				frames.add(frame);
			}

			assertThat(ffmpeg.exitCode()).as(ffmpeg.stderrTail()).isZero();
			assertThat(frames).hasSize(1);
			assertThat(ImageIO.read(new ByteArrayInputStream(frames.get(0))).getWidth()).isEqualTo(320);
		}
	}

	@Test
	void onlyTheCaptureSkipsEverythingButKeyframesAndBothPassArgumentsAsAList() {
		String url = "rtmp://srs:1935/live/k;rm -rf x";

		List<String> capture = FfmpegCommand.capture(this.settings, url);
		List<String> first = FfmpegCommand.firstFrame(this.settings, url);

		assertThat(capture).containsSequence("-skip_frame", "nokey")
			.containsSequence("-i", url)
			.containsSequence("-analyzeduration", "1500000", "-probesize", "5000000");
		assertThat(first).doesNotContain("-skip_frame")
			.containsSequence("-frames:v", "1")
			.containsSequence("-i", url)
			.contains("comment=" + FfmpegCommand.MARKER);
	}

}
