package dev.streamctl.thumbnail.capture.flv;

import java.util.Arrays;

/**
 * The picture size and profile an H.264 sequence parameter set declares (ITU-T H.264,
 * 7.3.2.1.1), read just far enough for the tests.
 */
record H264Sps(int profileIdc, int width, int height) {

	static H264Sps parse(byte[] nalUnit) {
		Bits bits = new Bits(unescape(nalUnit));
		bits.read(8); // NAL header
		int profileIdc = bits.read(8);
		bits.read(16); // constraint flags, level_idc
		bits.ue(); // seq_parameter_set_id
		int chromaFormatIdc = 1;
		if (profileIdc == 100 || profileIdc == 110 || profileIdc == 122 || profileIdc == 244 || profileIdc == 44
				|| profileIdc == 83 || profileIdc == 86 || profileIdc == 118 || profileIdc == 128) {
			chromaFormatIdc = bits.ue();
			if (chromaFormatIdc == 3) {
				bits.read(1); // separate_colour_plane_flag
			}
			bits.ue(); // bit_depth_luma_minus8
			bits.ue(); // bit_depth_chroma_minus8
			bits.read(1); // qpprime_y_zero_transform_bypass_flag
			if (bits.read(1) == 1) {
				skipScalingLists(bits, (chromaFormatIdc == 3) ? 12 : 8);
			}
		}
		bits.ue(); // log2_max_frame_num_minus4
		int picOrderCntType = bits.ue();
		if (picOrderCntType == 0) {
			bits.ue();
		}
		else if (picOrderCntType == 1) {
			bits.read(1);
			bits.se();
			bits.se();
			int cycle = bits.ue();
			for (int i = 0; i < cycle; i++) {
				bits.se();
			}
		}
		bits.ue(); // max_num_ref_frames
		bits.read(1); // gaps_in_frame_num_value_allowed_flag
		int widthInMbs = bits.ue() + 1;
		int heightInMapUnits = bits.ue() + 1;
		int frameMbsOnly = bits.read(1);
		if (frameMbsOnly == 0) {
			bits.read(1);
		}
		bits.read(1); // direct_8x8_inference_flag
		int cropLeft = 0;
		int cropRight = 0;
		int cropTop = 0;
		int cropBottom = 0;
		if (bits.read(1) == 1) {
			cropLeft = bits.ue();
			cropRight = bits.ue();
			cropTop = bits.ue();
			cropBottom = bits.ue();
		}
		int cropUnitX = (chromaFormatIdc == 1 || chromaFormatIdc == 2) ? 2 : 1;
		int cropUnitY = ((chromaFormatIdc == 1) ? 2 : 1) * (2 - frameMbsOnly);
		int width = widthInMbs * 16 - cropUnitX * (cropLeft + cropRight);
		int height = (2 - frameMbsOnly) * heightInMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
		return new H264Sps(profileIdc, width, height);
	}

	private static void skipScalingLists(Bits bits, int count) {
		for (int i = 0; i < count; i++) {
			if (bits.read(1) == 1) {
				int size = (i < 6) ? 16 : 64;
				int last = 8;
				int next = 8;
				for (int j = 0; j < size && next != 0; j++) {
					next = (last + bits.se() + 256) % 256;
					last = (next == 0) ? last : next;
				}
			}
		}
	}

	/**
	 * Removes the emulation prevention bytes ({@code 00 00 03} becomes {@code 00 00}).
	 */
	private static byte[] unescape(byte[] nal) {
		byte[] out = new byte[nal.length];
		int length = 0;
		int zeros = 0;
		for (byte b : nal) {
			if (zeros >= 2 && b == 3) {
				zeros = 0;
				continue;
			}
			zeros = (b == 0) ? zeros + 1 : 0;
			out[length++] = b;
		}
		return Arrays.copyOf(out, length);
	}

	private static final class Bits {

		private final byte[] bytes;

		private int bit;

		Bits(byte[] bytes) {
			this.bytes = bytes;
		}

		int read(int count) {
			int value = 0;
			for (int i = 0; i < count; i++) {
				int b = this.bytes[this.bit >> 3] >> (7 - (this.bit & 7)) & 1;
				value = (value << 1) | b;
				this.bit++;
			}
			return value;
		}

		int ue() {
			int zeros = 0;
			while (read(1) == 0) {
				zeros++;
			}
			return (1 << zeros) - 1 + read(zeros);
		}

		int se() {
			int value = ue();
			return ((value & 1) == 1) ? (value + 1) / 2 : -(value / 2);
		}

	}

}
