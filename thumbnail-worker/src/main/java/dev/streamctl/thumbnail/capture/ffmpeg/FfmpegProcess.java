package dev.streamctl.thumbnail.capture.ffmpeg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one seam to FFmpeg child processes: started from an argument list (no shell),
 * stdout read as JPEG frames by the caller, stderr drained on its own thread into a
 * bounded tail kept for the log, and stopped with {@code destroy()} then, after a grace,
 * {@code destroyForcibly()}. A capture whose worker dies gets SIGPIPE at its next frame,
 * since stdout is a pipe to the dead worker.
 */
public final class FfmpegProcess implements AutoCloseable {

	private static final int STDERR_TAIL = 2048;

	private static final Duration STOP_GRACE = Duration.ofSeconds(2);

	private final Process process;

	private final StringBuilder stderrTail = new StringBuilder();

	private FfmpegProcess(Process process) {
		this.process = process;
		Thread drain = new Thread(this::drainStderr, "ffmpeg-stderr-" + process.pid());
		drain.setDaemon(true);
		drain.start();
	}

	public static FfmpegProcess start(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).start();
		process.getOutputStream().close();
		return new FfmpegProcess(process);
	}

	public JpegFrames frames() {
		return new JpegFrames(this.process.getInputStream());
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	/** Waits for the exit, at most a short while; answers the exit code or -1. */
	public int exitCode() throws InterruptedException {
		return this.process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS) ? this.process.exitValue() : -1;
	}

	/** The end of what FFmpeg wrote to stderr. */
	public synchronized String stderrTail() {
		return this.stderrTail.toString().strip();
	}

	/** Stops FFmpeg: SIGTERM, then SIGKILL after a grace. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private void drainStderr() {
		byte[] buffer = new byte[1024];
		try (InputStream err = this.process.getErrorStream()) {
			int read;
			while ((read = err.read(buffer)) != -1) {
				append(new String(buffer, 0, read, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private synchronized void append(String text) {
		this.stderrTail.append(text);
		if (this.stderrTail.length() > STDERR_TAIL) {
			this.stderrTail.delete(0, this.stderrTail.length() - STDERR_TAIL);
		}
	}

}
