package dev.streamctl.thumbnail.capture.ffmpeg;

import java.util.List;

import dev.streamctl.thumbnail.capture.CaptureSettings;

/**
 * The FFmpeg arguments of a capture: decode keyframes only, keep one every interval (the first at once),
 * scale, and write JPEG frames to stdout, where the worker cuts them into files. Decoder and encoder each run
 * on one thread: with frames seconds apart, threading would hold images back (the encoder's by a whole
 * interval) and costs CPU and memory. Arguments are a list, never a shell string. {@link #MARKER} tags every
 * capture so leftovers of a dead worker can be found.
 */
public final class FfmpegCommand {

	public static final String MARKER = "streamctl-thumbnail-capture";

	private FfmpegCommand() {
	}

	public static List<String> capture(CaptureSettings settings, String inputUrl) {
		long seconds = Math.max(1, settings.interval().toSeconds());
		return List.of(settings.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
				"-analyzeduration", String.valueOf(settings.probeTime().toNanos() / 1000), "-probesize",
				String.valueOf(settings.probeSize()), "-rw_timeout", String.valueOf(settings.interval().toNanos() / 1000 * 3),
				"-skip_frame", "nokey", "-threads", "1", "-i", inputUrl, "-an", "-sn", "-dn", "-vf",
				"select='isnan(prev_selected_t)+gte(t-prev_selected_t\\," + seconds + ")',scale=" + settings.width()
						+ ":-2",
				"-fps_mode", "passthrough", "-q:v", String.valueOf(settings.quality()), "-metadata", "comment=" + MARKER,
				"-threads", "1", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1");
	}

}
