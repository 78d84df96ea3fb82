package dev.streamctl.thumbnail.capture.decode;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Turns one H.264 keyframe into a JPEG thumbnail in the JVM: libavcodec's H.264 decoder
 * (keyframes only, one thread), swscale to the configured width keeping the aspect ratio
 * (even height), and the {@code mjpeg} encoder at the configured quantizer scale.
 * <p>
 * The input is what an FLV tag of H.264 video carries: the AVCDecoderConfigurationRecord
 * ({@code avcC}: profile, SPS and PPS) of the sequence header, and the keyframe's access
 * unit in AVCC form, its NAL units each prefixed with their length (1, 2 or 4 bytes, as
 * the record says), not Annex B start codes. Every length in both is checked before a
 * byte reaches native code; anything libav refuses becomes a
 * {@link KeyframeDecodeException}, after which the decoder is still usable.
 * <p>
 * Not thread-safe: one decoder per decode thread, used for any number of streams (it
 * keeps its codec context while the configuration record stays the same and opens a new
 * one when it changes). {@link #close()} frees every native resource; each decode frees
 * what it allocated. Loading the native libraries also sets libav's own log (stderr) to
 * fatal errors only, for the whole JVM.
 */
public final class KeyframeDecoder implements AutoCloseable {

	private final H264Decoder decoder;

	private final JpegEncoder encoder;

	private boolean closed;

	/**
	 * A decoder making thumbnails of the given width.
	 * @param width thumbnail width in pixels, 16 to 3840
	 * @param quality JPEG quantizer scale, 2 (best) to 31 (smallest), as FFmpeg's
	 * {@code -q:v}
	 * @throws IllegalStateException when the native libraries cannot be loaded (see
	 * {@link #availability()})
	 */
	public KeyframeDecoder(int width, int quality) {
		if (width < 16 || width > 3840) {
			throw new IllegalArgumentException("thumbnail width must be 16 to 3840 pixels, not " + width);
		}
		if (quality < 2 || quality > 31) {
			throw new IllegalArgumentException("JPEG quality must be 2 to 31, not " + quality);
		}
		DecoderAvailability availability = availability();
		if (!availability.available()) {
			throw new IllegalStateException(availability.description());
		}
		this.decoder = new H264Decoder();
		try {
			this.encoder = new JpegEncoder(width, quality);
		}
		catch (RuntimeException ex) {
			this.decoder.close();
			throw ex;
		}
	}

	/**
	 * Whether the native libraries load here, loading them on the first call; later calls
	 * answer the same.
	 */
	public static DecoderAvailability availability() {
		return Libav.availability();
	}

	/**
	 * The JPEG thumbnail of a keyframe.
	 * @param configuration the AVCDecoderConfigurationRecord of the stream
	 * @param accessUnit the keyframe's NAL units, each prefixed with its length
	 * @throws KeyframeDecodeException when the bytes are malformed, libav fails on them,
	 * or they decode to no picture (not a keyframe)
	 */
	public byte[] decode(byte[] configuration, byte[] accessUnit) throws KeyframeDecodeException {
		if (this.closed) {
			throw new IllegalStateException("the keyframe decoder is closed");
		}
		AVFrame picture = this.decoder.decode(configuration, accessUnit);
		try {
			return this.encoder.encode(picture);
		}
		finally {
			this.decoder.release();
		}
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.encoder.close();
			this.decoder.close();
		}
	}

}
