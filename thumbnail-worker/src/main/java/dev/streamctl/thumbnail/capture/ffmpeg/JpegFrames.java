package dev.streamctl.thumbnail.capture.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import org.jspecify.annotations.Nullable;

/**
 * Cuts a stream of concatenated JPEG images (FFmpeg's {@code image2pipe} with
 * {@code mjpeg}) into whole images: each starts with the SOI marker {@code FF D8} and
 * ends with the EOI marker {@code FF D9}, which JPEG's byte stuffing keeps out of the
 * compressed data. Frames larger than a bound are dropped.
 */
public final class JpegFrames {

	private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

	private final InputStream in;

	private final byte[] buffer = new byte[64 * 1024];

	private int position;

	private int limit;

	public JpegFrames(InputStream in) {
		this.in = in;
	}

	/** The next whole image, or null at the end of the stream. */
	public byte @Nullable [] next() throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(64 * 1024);
		int previous = -1;
		boolean started = false;
		int b;
		while ((b = read()) != -1) {
			if (!started) {
				if (previous == 0xFF && b == 0xD8) {
					started = true;
					frame.write(0xFF);
					frame.write(0xD8);
				}
				previous = b;
				continue;
			}
			frame.write(b);
			if (previous == 0xFF && b == 0xD9) {
				return frame.toByteArray();
			}
			if (frame.size() > MAX_FRAME_BYTES) {
				frame.reset();
				started = false;
			}
			previous = b;
		}
		return null;
	}

	private int read() throws IOException {
		if (this.position == this.limit) {
			this.limit = this.in.read(this.buffer);
			this.position = 0;
			if (this.limit <= 0) {
				this.limit = 0;
				return -1;
			}
		}
		return this.buffer[this.position++] & 0xFF;
	}

}
