package dev.streamctl.thumbnail.capture.flv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Builds synthetic FLV streams for the tests, tag by tag. */
final class FlvWriter {

	/** A plausible SPS NAL unit (type 7, High profile, level 3.1); never decoded. */
	static final byte[] SPS = { 0x67, 0x64, 0x00, 0x1F, (byte) 0xAC, (byte) 0xD9, 0x40 };

	/** A plausible PPS NAL unit (type 8); never decoded. */
	static final byte[] PPS = { 0x68, (byte) 0xEF, (byte) 0xBC, (byte) 0xB0 };

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	/** A stream starting with the FLV header announcing audio and video. */
	FlvWriter() {
		this.out.writeBytes(new byte[] { 'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0 });
	}

	/** A tag with its header and PreviousTagSize. */
	FlvWriter tag(int type, int timestamp, byte[] data) {
		this.out.write(type);
		writeInt(data.length, 3);
		writeInt(timestamp & 0xFFFFFF, 3);
		this.out.write(timestamp >>> 24);
		writeInt(0, 3);
		this.out.writeBytes(data);
		writeInt(11 + data.length, 4);
		return this;
	}

	/** An AAC raw frame of {@code size} bytes of {@code fill}. */
	FlvWriter audio(int timestamp, int size, int fill) {
		byte[] data = new byte[2 + size];
		Arrays.fill(data, (byte) fill);
		data[0] = (byte) 0xAF;
		data[1] = 1;
		return tag(8, timestamp, data);
	}

	/** A video tag: the first byte (frame type and codec id), the rest as given. */
	FlvWriter video(int timestamp, int firstByte, byte[] rest) {
		return tag(9, timestamp, concat(new byte[] { (byte) firstByte }, rest));
	}

	FlvWriter avcSequenceHeader(int timestamp, byte[] record) {
		return video(timestamp, 0x17, concat(new byte[] { 0, 0, 0, 0 }, record));
	}

	FlvWriter avcKeyframe(int timestamp, int compositionTime, byte[] nalUnits) {
		return video(timestamp, 0x17, concat(avcHeader(compositionTime), nalUnits));
	}

	FlvWriter avcInterFrame(int timestamp, int compositionTime, byte[] nalUnits) {
		return video(timestamp, 0x27, concat(avcHeader(compositionTime), nalUnits));
	}

	byte[] toByteArray() {
		return this.out.toByteArray();
	}

	/** The tags without the FLV header: what follows in a stream already started. */
	byte[] tagsOnly() {
		byte[] all = this.out.toByteArray();
		return Arrays.copyOfRange(all, 13, all.length);
	}

	/** An AVCDecoderConfigurationRecord with one SPS and one PPS. */
	static byte[] avcRecord(int profile, int nalLengthSize, byte[] sps, byte[] pps) {
		ByteArrayOutputStream record = new ByteArrayOutputStream();
		record.writeBytes(new byte[] { 1, (byte) profile, 0, 0x1F, (byte) (0xFC | (nalLengthSize - 1)), (byte) 0xE1 });
		record.write(sps.length >> 8);
		record.write(sps.length);
		record.writeBytes(sps);
		record.write(1);
		record.write(pps.length >> 8);
		record.write(pps.length);
		record.writeBytes(pps);
		return record.toByteArray();
	}

	static byte[] avcRecord() {
		return avcRecord(100, 4, SPS, PPS);
	}

	/** NAL units, each prefixed with its length in {@code lengthSize} bytes. */
	static byte[] nalUnits(int lengthSize, byte[]... units) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] unit : units) {
			for (int shift = 8 * (lengthSize - 1); shift >= 0; shift -= 8) {
				out.write(unit.length >>> shift);
			}
			out.writeBytes(unit);
		}
		return out.toByteArray();
	}

	/**
	 * An IDR slice NAL unit (type 5) of {@code size} bytes, the rest filled with
	 * {@code fill}.
	 */
	static byte[] idrSlice(int size, int fill) {
		byte[] unit = new byte[size];
		Arrays.fill(unit, (byte) fill);
		unit[0] = 0x65;
		return unit;
	}

	static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private static byte[] avcHeader(int compositionTime) {
		return new byte[] { 1, (byte) (compositionTime >> 16), (byte) (compositionTime >> 8), (byte) compositionTime };
	}

	private void writeInt(int value, int bytes) {
		for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
			this.out.write(value >>> shift);
		}
	}

}
