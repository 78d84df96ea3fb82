package dev.streamctl.thumbnail.capture.decode;

/**
 * A keyframe that gave no thumbnail. The decoder that threw it stays usable for the next
 * keyframe.
 */
public final class KeyframeDecodeException extends Exception {

	/** Why a keyframe gave no thumbnail. */
	public enum Reason {

		/**
		 * The bytes are not an AVCDecoderConfigurationRecord and a length-prefixed access
		 * unit; found before any byte reached native code.
		 */
		INVALID_INPUT,

		/** libavcodec decoded the access unit without error but made no picture of it. */
		NO_PICTURE,

		/** libavcodec, swscale or the JPEG encoder reported an error. */
		LIBAV_ERROR

	}

	private final Reason reason;

	KeyframeDecodeException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	public Reason reason() {
		return this.reason;
	}

}
