package dev.streamctl.common.test.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A publisher of a synthetic H.264 stream (FFmpeg's test pattern, encoded live with a
 * fixed GOP), as OBS would publish to {@code rtmp://host/live/<key>}.
 */
public final class SyntheticStream implements AutoCloseable {

	private final Process ffmpeg;

	public SyntheticStream(String url, String size, int fps, int gopFrames, String bitrate) {
		try {
			this.ffmpeg = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
					"-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps, "-c:v", "libx264", "-preset",
					"ultrafast", "-tune", "zerolatency", "-g", String.valueOf(gopFrames), "-keyint_min",
					String.valueOf(gopFrames), "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-f", "flv",
					url))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start ffmpeg: apt-get install ffmpeg", ex);
		}
	}

	/** A small stream for tests: 640x360, 30 fps, a keyframe every second. */
	public static SyntheticStream small(String url) {
		return new SyntheticStream(url, "640x360", 30, 30, "800k");
	}

	public boolean isAlive() {
		return this.ffmpeg.isAlive();
	}

	@Override
	public void close() {
		this.ffmpeg.destroy();
		try {
			this.ffmpeg.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
