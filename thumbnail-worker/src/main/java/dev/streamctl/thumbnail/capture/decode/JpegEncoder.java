package dev.streamctl.thumbnail.capture.decode;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.jspecify.annotations.Nullable;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swscale.sws_alloc_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

/**
 * Scales a picture to a fixed width (the height keeps the aspect ratio of the picture's
 * pixels, rounded to an even number, as FFmpeg's {@code scale=W:-2}) into full-range YUV
 * 4:2:0, and encodes it with libavcodec's {@code mjpeg} encoder at a fixed quantizer
 * scale, both on one thread. The scaler sets itself up from each picture's size, format
 * and colour range; the encoder is opened anew when the thumbnail's height changes.
 */
final class JpegEncoder implements AutoCloseable {

	private static final int MAX_HEIGHT = 8192;

	private final int width;

	private final int lambda;

	private final AVCodec codec;

	private final SwsContext scaler;

	private final AVFrame scaled;

	private final AVPacket packet;

	private @Nullable AVCodecContext encoder;

	private int encoderHeight;

	/**
	 * An encoder of thumbnails {@code width} pixels wide at JPEG quantizer scale
	 * {@code quality} (2 best to 31 smallest, FFmpeg's {@code -q:v}).
	 */
	JpegEncoder(int width, int quality) {
		this.width = width;
		this.lambda = quality * FF_QP2LAMBDA;
		this.codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
		if (this.codec == null || this.codec.isNull()) {
			throw new IllegalStateException("libavcodec has no mjpeg encoder");
		}
		this.scaler = sws_alloc_context();
		this.scaled = av_frame_alloc();
		this.packet = av_packet_alloc();
		if (this.scaler == null || this.scaler.isNull() || this.scaled == null || this.scaled.isNull()
				|| this.packet == null || this.packet.isNull()) {
			close();
			throw new IllegalStateException("cannot allocate a scaler, a frame and a packet for the JPEG encoder");
		}
		this.scaler.threads(1);
	}

	/** The JPEG of a decoded picture. */
	byte[] encode(AVFrame picture) throws KeyframeDecodeException {
		if (picture.width() <= 0 || picture.height() <= 0) {
			throw Libav.failure("the decoded picture has no size: " + picture.width() + "x" + picture.height());
		}
		int height = heightFor(picture.width(), picture.height());
		AVCodecContext jpeg = encoderFor(height);
		boolean encoded = false;
		try {
			this.scaled.format(AV_PIX_FMT_YUV420P).width(this.width).height(height).color_range(AVCOL_RANGE_JPEG);
			Libav.check(sws_scale_frame(this.scaler, this.scaled, picture), "scaling the picture");
			this.scaled.quality(this.lambda);
			Libav.check(avcodec_send_frame(jpeg, this.scaled), "encoding the JPEG");
			Libav.check(avcodec_receive_packet(jpeg, this.packet), "receiving the JPEG");
			byte[] bytes = new byte[this.packet.size()];
			this.packet.data().capacity(bytes.length).get(bytes);
			encoded = true;
			return bytes;
		}
		finally {
			av_frame_unref(this.scaled);
			av_packet_unref(this.packet);
			if (!encoded) {
				closeEncoder();
			}
		}
	}

	/** Bounded, so that a picture of an absurd shape cannot ask for a huge thumbnail. */
	private int heightFor(int pictureWidth, int pictureHeight) {
		long height = Math.round((double) this.width * pictureHeight / pictureWidth / 2) * 2;
		return (int) Math.max(2, Math.min(height, MAX_HEIGHT));
	}

	private AVCodecContext encoderFor(int height) throws KeyframeDecodeException {
		AVCodecContext current = this.encoder;
		if (current != null && this.encoderHeight == height) {
			return current;
		}
		closeEncoder();
		this.encoderHeight = 0;
		AVCodecContext opened = avcodec_alloc_context3(this.codec);
		if (opened == null || opened.isNull()) {
			throw Libav.failure("cannot allocate a JPEG encoder context");
		}
		this.encoder = opened;
		opened.width(this.width).height(height).pix_fmt(AV_PIX_FMT_YUV420P).color_range(AVCOL_RANGE_JPEG);
		// set in place: nothing here allocates through JavaCPP, whose allocations count
		// against its own limit on the process's resident memory
		opened.time_base().num(1).den(1);
		opened.thread_count(1);
		opened.flags(opened.flags() | AV_CODEC_FLAG_QSCALE).global_quality(this.lambda);
		Libav.check(avcodec_open2(opened, this.codec, (AVDictionary) null), "opening the JPEG encoder");
		this.encoderHeight = height;
		return opened;
	}

	private void closeEncoder() {
		if (this.encoder != null) {
			avcodec_free_context(this.encoder);
			this.encoder = null;
		}
	}

	@Override
	public void close() {
		closeEncoder();
		if (this.scaler != null && !this.scaler.isNull()) {
			sws_freeContext(this.scaler);
			this.scaler.setNull();
		}
		if (this.scaled != null && !this.scaled.isNull()) {
			av_frame_free(this.scaled);
		}
		if (this.packet != null && !this.packet.isNull()) {
			av_packet_free(this.packet);
		}
	}

}
