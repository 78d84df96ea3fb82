package dev.streamctl.thumbnail.capture.decode;

import java.nio.charset.StandardCharsets;

import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException.Reason;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/**
 * Loading the native libraries once per JVM, and libav's error codes as exceptions.
 */
final class Libav {

	private Libav() {
	}

	static DecoderAvailability availability() {
		return Loaded.AVAILABILITY;
	}

	/**
	 * Throws a {@link Reason#LIBAV_ERROR} naming the step when {@code result} is an
	 * error.
	 */
	static int check(int result, String step) throws KeyframeDecodeException {
		if (result < 0) {
			throw new KeyframeDecodeException(Reason.LIBAV_ERROR, step + " failed: " + errorText(result));
		}
		return result;
	}

	static KeyframeDecodeException failure(String message) {
		return new KeyframeDecodeException(Reason.LIBAV_ERROR, message);
	}

	static String errorText(int error) {
		byte[] text = new byte[128];
		if (avutil.av_strerror(error, text, text.length) < 0) {
			return "libav error " + error;
		}
		int length = 0;
		while (length < text.length && text[length] != 0) {
			length++;
		}
		return new String(text, 0, length, StandardCharsets.US_ASCII) + " (" + error + ")";
	}

	/**
	 * Loads on first use (the holder idiom), so that a JVM that never decodes never
	 * extracts the native libraries.
	 */
	private static final class Loaded {

		static final DecoderAvailability AVAILABILITY = load();

		private static DecoderAvailability load() {
			try {
				Loader.load(avutil.class);
				Loader.load(avcodec.class);
				Loader.load(swscale.class);
				// libav logs to stderr, past the service's logging; every failure
				// reaches the caller as a KeyframeDecodeException instead
				avutil.av_log_set_level(avutil.AV_LOG_FATAL);
				int version = avcodec.avcodec_version();
				return DecoderAvailability.loaded("FFmpeg " + avutil.av_version_info().getString() + " (libavcodec "
						+ (version >>> 16) + "." + ((version >>> 8) & 0xff) + "." + (version & 0xff) + ", "
						+ avcodec.avcodec_license().getString() + ") for " + Loader.getPlatform());
			}
			catch (LinkageError | RuntimeException ex) {
				Throwable cause = ex.getCause();
				Throwable reason = (ex.getMessage() == null && cause != null) ? cause : ex;
				return DecoderAvailability
					.failed("cannot load the FFmpeg native libraries for " + platform() + ": " + reason);
			}
		}

		private static String platform() {
			try {
				return Loader.getPlatform();
			}
			catch (LinkageError | RuntimeException ex) {
				return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
			}
		}

	}

}
