package dev.streamctl.thumbnail.capture.decode;

import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException.Reason;

/**
 * Checks of the AVC ("avcC", ISO/IEC 14496-15) forms that FLV carries, made before any
 * byte reaches libavcodec: every length read from the input must lie inside it.
 */
final class AvcFormat {

	private static final int NAL_SPS = 7;

	private static final int NAL_PPS = 8;

	private AvcFormat() {
	}

	/**
	 * The NAL unit length size (1, 2 or 4 bytes) of an AVCDecoderConfigurationRecord,
	 * after checking that its SPS and PPS lists lie within it.
	 */
	static int nalLengthSize(byte[] record) throws KeyframeDecodeException {
		if (record.length < 7) {
			throw invalid("the decoder configuration record has " + record.length + " bytes, fewer than 7");
		}
		if (record[0] != 1) {
			throw invalid("the decoder configuration record has version " + (record[0] & 0xff) + ", not 1");
		}
		int lengthSize = (record[4] & 0x03) + 1;
		if (lengthSize == 3) {
			throw invalid("the decoder configuration record gives a NAL unit length size of 3 bytes");
		}
		int ppsList = skipParameterSets(record, 6, record[5] & 0x1f, "SPS");
		skipParameterSets(record, ppsList + 1, record[ppsList] & 0xff, "PPS");
		return lengthSize;
	}

	/**
	 * Checks that an access unit is a sequence of NAL units each prefixed with its length
	 * that fill it exactly, at least one of them a coded slice.
	 * @return whether it carries an SPS or PPS of its own, which libavcodec keeps beyond
	 * this access unit
	 */
	static boolean checkAccessUnit(byte[] accessUnit, int lengthSize) throws KeyframeDecodeException {
		if (accessUnit.length == 0) {
			throw invalid("the access unit is empty");
		}
		boolean slice = false;
		boolean parameterSets = false;
		int offset = 0;
		while (offset < accessUnit.length) {
			if (offset + lengthSize > accessUnit.length) {
				throw invalid("the access unit ends inside a NAL unit length at byte " + offset);
			}
			long length = 0;
			for (int i = 0; i < lengthSize; i++) {
				length = (length << 8) | (accessUnit[offset + i] & 0xff);
			}
			offset += lengthSize;
			if (length == 0 || length > accessUnit.length - offset) {
				throw invalid("a NAL unit at byte " + (offset - lengthSize) + " has length " + length + " but "
						+ (accessUnit.length - offset) + " bytes follow");
			}
			int type = accessUnit[offset] & 0x1f;
			slice |= type >= 1 && type <= 5;
			parameterSets |= type == NAL_SPS || type == NAL_PPS;
			offset += (int) length;
		}
		if (!slice) {
			throw invalid("the access unit has no coded slice NAL unit");
		}
		return parameterSets;
	}

	/**
	 * Skips {@code count} length-prefixed parameter sets from {@code offset}.
	 * @return the offset after them, inside the record
	 */
	private static int skipParameterSets(byte[] record, int offset, int count, String kind)
			throws KeyframeDecodeException {
		if (count == 0) {
			throw invalid("the decoder configuration record has no " + kind);
		}
		int next = offset;
		for (int i = 0; i < count; i++) {
			if (next + 2 > record.length) {
				throw invalid("the decoder configuration record ends inside its " + kind + " list");
			}
			int length = u16(record, next);
			next += 2 + length;
			if (length == 0 || next > record.length) {
				throw invalid("a " + kind + " in the decoder configuration record has a bad length " + length);
			}
		}
		if (kind.equals("SPS") && next >= record.length) {
			throw invalid("the decoder configuration record ends before its PPS list");
		}
		return next;
	}

	private static int u16(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
	}

	private static KeyframeDecodeException invalid(String message) {
		return new KeyframeDecodeException(Reason.INVALID_INPUT, message);
	}

}
