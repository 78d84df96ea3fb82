package dev.streamctl.thumbnail.capture.flv;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An H.264 {@code AVCDecoderConfigurationRecord} (ISO/IEC 14496-15, 5.2.4.1: what an FLV
 * AVC sequence header carries), checked once on arrival so that a {@link Keyframe} built
 * on it can always be converted. Immutable: the record is owned by this object and never
 * handed out without a copy.
 */
final class AvcConfiguration {

	private static final int NAL_TYPE_SPS = 7;

	private static final int NAL_TYPE_PPS = 8;

	private final byte[] record;

	private final int nalLengthSize;

	private final List<byte[]> parameterSets;

	private AvcConfiguration(byte[] record, int nalLengthSize, List<byte[]> parameterSets) {
		this.record = record;
		this.nalLengthSize = nalLengthSize;
		this.parameterSets = parameterSets;
	}

	/**
	 * Checks and takes over a record: version 1, a NAL length size of 1, 2 or 4 bytes, at
	 * least one SPS and one PPS, each whole and of its NAL unit type. Bytes after the PPS
	 * (the High profile's chroma and bit depth fields) are kept in the record but not
	 * read.
	 * @param record the record; owned by the result from now on
	 * @return the configuration
	 * @throws IllegalArgumentException naming what is wrong with the record
	 */
	static AvcConfiguration of(byte[] record) {
		if (record.length < 7) {
			throw new IllegalArgumentException("it has " + record.length + " bytes, fewer than the 7 of an empty one");
		}
		if (record[0] != 1) {
			throw new IllegalArgumentException("its configurationVersion is " + (record[0] & 0xFF) + ", not 1");
		}
		int lengthSizeMinusOne = record[4] & 0x03;
		if (lengthSizeMinusOne == 2) {
			throw new IllegalArgumentException("its lengthSizeMinusOne is 2 (3-byte NAL lengths do not exist)");
		}
		List<byte[]> parameterSets = new ArrayList<>();
		int position = 5;
		int spsCount = record[position++] & 0x1F;
		position = readParameterSets(record, position, spsCount, NAL_TYPE_SPS, "SPS", parameterSets);
		if (position >= record.length) {
			throw new IllegalArgumentException("it ends before its PPS count");
		}
		int ppsCount = record[position++] & 0xFF;
		readParameterSets(record, position, ppsCount, NAL_TYPE_PPS, "PPS", parameterSets);
		if (spsCount == 0 || ppsCount == 0) {
			throw new IllegalArgumentException(
					"it has " + spsCount + " SPS and " + ppsCount + " PPS, needs one of each");
		}
		return new AvcConfiguration(record, lengthSizeMinusOne + 1, List.copyOf(parameterSets));
	}

	private static int readParameterSets(byte[] record, int start, int count, int nalType, String name,
			List<byte[]> into) {
		int position = start;
		for (int i = 0; i < count; i++) {
			if (position + 2 > record.length) {
				throw new IllegalArgumentException("it ends inside the length of " + name + " " + i);
			}
			int length = ((record[position] & 0xFF) << 8) | (record[position + 1] & 0xFF);
			position += 2;
			if (length == 0 || position + length > record.length) {
				throw new IllegalArgumentException(name + " " + i + " of " + length + " bytes does not fit in it");
			}
			if ((record[position] & 0x1F) != nalType) {
				throw new IllegalArgumentException(
						name + " " + i + " has NAL unit type " + (record[position] & 0x1F) + ", not " + nalType);
			}
			byte[] parameterSet = new byte[length];
			System.arraycopy(record, position, parameterSet, 0, length);
			into.add(parameterSet);
			position += length;
		}
		return position;
	}

	/** The size of each NAL unit's length prefix in the frames: 1, 2 or 4 bytes. */
	int nalLengthSize() {
		return this.nalLengthSize;
	}

	/** {@code AVCProfileIndication}: 66 Baseline, 77 Main, 100 High, ... */
	int profileIdc() {
		return this.record[1] & 0xFF;
	}

	/** {@code AVCLevelIndication}, ten times the level: 31 for level 3.1. */
	int levelIdc() {
		return this.record[3] & 0xFF;
	}

	/** Bytes held by this configuration. */
	int retainedBytes() {
		return this.record.length + this.parameterSets.stream().mapToInt((set) -> set.length).sum();
	}

	byte[] record() {
		return this.record.clone();
	}

	/** The SPS then the PPS units, each after a 4-byte Annex B start code. */
	int annexBLength() {
		return this.parameterSets.stream().mapToInt((set) -> 4 + set.length).sum();
	}

	/**
	 * Writes {@link #annexBLength()} bytes at {@code offset}.
	 * @return the offset after them
	 */
	int writeAnnexB(byte[] target, int offset) {
		int position = offset;
		for (byte[] set : this.parameterSets) {
			position = Keyframe.writeStartCode(target, position);
			System.arraycopy(set, 0, target, position, set.length);
			position += set.length;
		}
		return position;
	}

	/**
	 * Checks that length-prefixed NAL units fill {@code units} exactly, each at least one
	 * byte long.
	 * @return null when they do, else what is wrong
	 */
	@Nullable String problemWithNalUnits(byte[] units) {
		int position = 0;
		int count = 0;
		while (position < units.length) {
			if (position + this.nalLengthSize > units.length) {
				return "it ends inside the length of NAL unit " + count;
			}
			long length = readLength(units, position);
			position += this.nalLengthSize;
			if (length == 0 || length > units.length - position) {
				return "NAL unit " + count + " of " + length + " bytes does not fit in it";
			}
			position += (int) length;
			count++;
		}
		return (count > 0) ? null : "it holds no NAL unit";
	}

	/** The length prefix at {@code position}, as an unsigned value. */
	long readLength(byte[] units, int position) {
		long length = 0;
		for (int i = 0; i < this.nalLengthSize; i++) {
			length = (length << 8) | (units[position + i] & 0xFF);
		}
		return length;
	}

}
