package dev.streamctl.thumbnail.capture.ffmpeg;

import java.util.ArrayList;
import java.util.List;

import dev.streamctl.thumbnail.capture.CaptureSettings;

/**
 * The FFmpeg arguments of a capture: decode keyframes only, keep one every interval (the
 * first at once), scale, and write JPEG frames to stdout, where the worker cuts them into
 * files. Decoder and encoder each run on one thread: with frames seconds apart, threading
 * would hold images back (the encoder's by a whole interval) and costs CPU and memory.
 * Arguments are a list, never a shell string. {@link #MARKER} tags every capture so
 * leftovers of a dead worker can be found.
 */
public final class FfmpegCommand {

	public static final String MARKER = "streamctl-thumbnail-capture";

	private FfmpegCommand() {
	}

	public static List<String> capture(CaptureSettings settings, String inputUrl) {
		long seconds = Math.max(1, settings.interval().toSeconds());
		List<String> command = new ArrayList<>(input(settings, inputUrl, true));
		command.addAll(List.of("-an", "-sn", "-dn", "-vf", "select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,"
				+ seconds + ")',scale=" + settings.width() + ":-2"));
		command.addAll(output(settings));
		return command;
	}

	/**
	 * One image as soon as possible, then exit: every frame is decoded, so the first
	 * image comes a few frames after the first keyframe. The keyframes-only decoder of
	 * {@link #capture} holds its first image back until two more keyframes came (the
	 * H.264 reordering delay of a stream with B-frames: about 4 s with a 2 s GOP);
	 * decoding every frame costs more CPU, but only for the second or two this runs.
	 */
	public static List<String> firstFrame(CaptureSettings settings, String inputUrl) {
		List<String> command = new ArrayList<>(input(settings, inputUrl, false));
		command.addAll(List.of("-an", "-sn", "-dn", "-frames:v", "1", "-vf", "scale=" + settings.width() + ":-2"));
		command.addAll(output(settings));
		return command;
	}

	private static List<String> input(CaptureSettings settings, String inputUrl, boolean keyframesOnly) {
		List<String> input = new ArrayList<>(List.of(settings.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel",
				"error", "-analyzeduration", String.valueOf(settings.probeTime().toNanos() / 1000), "-probesize",
				String.valueOf(settings.probeSize()), "-rw_timeout",
				String.valueOf(settings.interval().toNanos() / 1000 * 3)));
		if (keyframesOnly) {
			input.addAll(List.of("-skip_frame", "nokey"));
		}
		input.addAll(List.of("-threads", "1", "-i", inputUrl));
		return input;
	}

	private static List<String> output(CaptureSettings settings) {
		return List.of("-fps_mode", "passthrough", "-q:v", String.valueOf(settings.quality()), "-metadata",
				"comment=" + MARKER, "-threads", "1", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1");
	}

}
