package dev.streamctl.thumbnail.capture.decode;

import java.util.Arrays;

import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException.Reason;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.jspecify.annotations.Nullable;

import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONKEY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

/**
 * libavcodec's own H.264 decoder ({@code h264}, not OpenH264) on one thread, decoding
 * keyframes only. Each access unit is decoded on its own: sent, then the decoder is
 * drained (with B-frames it holds a picture back for reordering until more frames or the
 * end come), then flushed for the next one. The codec context is kept while the
 * configuration record stays the same and opened anew when it changes, after a failure,
 * and after an access unit that carried parameter sets of its own (libavcodec keeps them,
 * and the next keyframe may be another stream's with the same record).
 */
final class H264Decoder implements AutoCloseable {

	private final AVCodec codec;

	private final AVPacket packet;

	private final AVFrame picture;

	private @Nullable AVCodecContext context;

	private byte[] configuration = new byte[0];

	private boolean stale;

	H264Decoder() {
		this.codec = avcodec_find_decoder_by_name("h264");
		if (this.codec == null || this.codec.isNull()) {
			throw new IllegalStateException("libavcodec has no h264 decoder");
		}
		this.packet = av_packet_alloc();
		this.picture = av_frame_alloc();
		if (this.packet == null || this.packet.isNull() || this.picture == null || this.picture.isNull()) {
			close();
			throw new IllegalStateException("cannot allocate a packet and a frame for the H.264 decoder");
		}
	}

	/**
	 * The picture of a keyframe, valid until {@link #release()}.
	 * @param configuration an AVCDecoderConfigurationRecord
	 * @param accessUnit the keyframe's NAL units, each prefixed with its length
	 */
	AVFrame decode(byte[] configuration, byte[] accessUnit) throws KeyframeDecodeException {
		int lengthSize = AvcFormat.nalLengthSize(configuration);
		boolean parameterSets = AvcFormat.checkAccessUnit(accessUnit, lengthSize);
		AVCodecContext decoder = contextFor(configuration);
		boolean decoded = false;
		try {
			Libav.check(av_new_packet(this.packet, accessUnit.length), "allocating the packet");
			this.packet.data().capacity(accessUnit.length).put(accessUnit, 0, accessUnit.length);
			Libav.check(avcodec_send_packet(decoder, this.packet), "decoding the keyframe");
			Libav.check(avcodec_send_packet(decoder, (AVPacket) null), "draining the H.264 decoder");
			int received = avcodec_receive_frame(decoder, this.picture);
			if (received == AVERROR_EOF) {
				throw new KeyframeDecodeException(Reason.NO_PICTURE,
						"the H.264 decoder made no picture of the access unit: not a keyframe, or damaged");
			}
			Libav.check(received, "receiving the decoded picture");
			decoded = true;
			return this.picture;
		}
		finally {
			av_packet_unref(this.packet);
			avcodec_flush_buffers(decoder);
			this.stale = !decoded || parameterSets;
		}
	}

	/** Gives the picture's buffers back to the decoder. */
	void release() {
		av_frame_unref(this.picture);
	}

	private AVCodecContext contextFor(byte[] configuration) throws KeyframeDecodeException {
		AVCodecContext current = this.context;
		if (current != null && !this.stale && Arrays.equals(configuration, this.configuration)) {
			return current;
		}
		closeContext();
		this.stale = true;
		AVCodecContext opened = avcodec_alloc_context3(this.codec);
		if (opened == null || opened.isNull()) {
			throw Libav.failure("cannot allocate an H.264 decoder context");
		}
		this.context = opened;
		BytePointer extradata = new BytePointer(av_mallocz(configuration.length + AV_INPUT_BUFFER_PADDING_SIZE));
		if (extradata.isNull()) {
			throw Libav.failure("cannot allocate the decoder configuration record");
		}
		extradata.capacity(configuration.length).put(configuration, 0, configuration.length);
		// owned by the context from here: avcodec_free_context frees it
		opened.extradata(extradata).extradata_size(configuration.length);
		opened.thread_count(1).skip_frame(AVDISCARD_NONKEY);
		Libav.check(avcodec_open2(opened, this.codec, (AVDictionary) null),
				"opening the H.264 decoder with the decoder configuration record");
		this.configuration = configuration.clone();
		this.stale = false;
		return opened;
	}

	private void closeContext() {
		if (this.context != null) {
			avcodec_free_context(this.context);
			this.context = null;
		}
	}

	@Override
	public void close() {
		closeContext();
		if (this.packet != null && !this.packet.isNull()) {
			av_packet_free(this.packet);
		}
		if (this.picture != null && !this.picture.isNull()) {
			av_frame_free(this.picture);
		}
	}

}
