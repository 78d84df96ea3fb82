package dev.streamctl.thumbnail.capture.flv;

/**
 * The newest complete H.264 keyframe of a stream with the codec configuration it arrived
 * under: what a decoder needs to make one picture, and nothing else. Immutable and safe
 * to share between threads; every array accessor returns a fresh copy.
 * <p>
 * Two ways to decode it, both self-contained:
 * <ul>
 * <li><b>avcC</b>: {@link #avcConfig()} as the decoder's extradata (libavcodec's H.264
 * decoder recognises an {@code AVCDecoderConfigurationRecord} by its first byte, 1), and
 * {@link #nalUnits()} as the packet: NAL units each prefixed with its length, big-endian,
 * in {@link #nalLengthSize()} bytes, exactly as the FLV tag carried them.</li>
 * <li><b>Annex B</b>: no extradata, and {@link #toAnnexB()} as the packet: the SPS and
 * PPS of the configuration, then the keyframe's NAL units, each after the start code
 * {@code 00 00 00 01}.</li>
 * </ul>
 * NAL unit payloads are untouched (emulation prevention bytes included). Times are the
 * FLV tag's, in milliseconds on the stream's own time base (SRS starts a joining reader's
 * at about 0): {@link #timestampMillis()} is the decode time,
 * {@link #presentationTimeMillis()} adds the composition time offset. {@link #sequence()}
 * numbers the keyframes a tap kept, 1 for its first, so a picture already made from a
 * keyframe need not be made again.
 */
public final class Keyframe {

	private static final byte[] START_CODE = { 0, 0, 0, 1 };

	private final AvcConfiguration configuration;

	private final byte[] nalUnits;

	private final int timestampMillis;

	private final int compositionTimeMillis;

	private final long sequence;

	Keyframe(AvcConfiguration configuration, byte[] nalUnits, int timestampMillis, int compositionTimeMillis,
			long sequence) {
		this.configuration = configuration;
		this.nalUnits = nalUnits;
		this.timestampMillis = timestampMillis;
		this.compositionTimeMillis = compositionTimeMillis;
		this.sequence = sequence;
	}

	/**
	 * A copy of the {@code AVCDecoderConfigurationRecord} (ISO/IEC 14496-15) in force
	 * when this keyframe arrived, as the FLV AVC sequence header carried it.
	 */
	public byte[] avcConfig() {
		return this.configuration.record();
	}

	/**
	 * A copy of the keyframe's NAL units, each prefixed with its length in
	 * {@link #nalLengthSize()} bytes, big-endian.
	 */
	public byte[] nalUnits() {
		return this.nalUnits.clone();
	}

	/** The size of each NAL unit's length prefix: 1, 2 or 4 bytes. */
	public int nalLengthSize() {
		return this.configuration.nalLengthSize();
	}

	/** The H.264 profile of the configuration: 66 Baseline, 77 Main, 100 High, ... */
	public int profileIdc() {
		return this.configuration.profileIdc();
	}

	/**
	 * The SPS and PPS of the configuration, then this keyframe's NAL units, each after a
	 * 4-byte start code {@code 00 00 00 01}: one Annex B access unit that decodes without
	 * extradata.
	 */
	public byte[] toAnnexB() {
		int length = this.configuration.annexBLength();
		int position = 0;
		while (position < this.nalUnits.length) {
			int unit = (int) this.configuration.readLength(this.nalUnits, position);
			length += START_CODE.length + unit;
			position += nalLengthSize() + unit;
		}
		byte[] annexB = new byte[length];
		int target = this.configuration.writeAnnexB(annexB, 0);
		position = 0;
		while (position < this.nalUnits.length) {
			int unit = (int) this.configuration.readLength(this.nalUnits, position);
			position += nalLengthSize();
			target = writeStartCode(annexB, target);
			System.arraycopy(this.nalUnits, position, annexB, target, unit);
			target += unit;
			position += unit;
		}
		return annexB;
	}

	/** The FLV tag's timestamp: the keyframe's decode time in milliseconds. */
	public int timestampMillis() {
		return this.timestampMillis;
	}

	/** The AVC composition time offset in milliseconds (may be negative). */
	public int compositionTimeMillis() {
		return this.compositionTimeMillis;
	}

	/** The presentation time in milliseconds: timestamp plus composition time. */
	public int presentationTimeMillis() {
		return this.timestampMillis + this.compositionTimeMillis;
	}

	/** 1 for the first keyframe a tap kept, one more for each newer one. */
	public long sequence() {
		return this.sequence;
	}

	/** The size of {@link #nalUnits()} in bytes. */
	public int sizeBytes() {
		return this.nalUnits.length;
	}

	/** Bytes held by this keyframe, its configuration included. */
	int retainedBytes() {
		return this.nalUnits.length + this.configuration.retainedBytes();
	}

	AvcConfiguration configuration() {
		return this.configuration;
	}

	static int writeStartCode(byte[] target, int offset) {
		System.arraycopy(START_CODE, 0, target, offset, START_CODE.length);
		return offset + START_CODE.length;
	}

	@Override
	public String toString() {
		return "Keyframe[sequence=" + this.sequence + ", pts=" + presentationTimeMillis() + " ms, "
				+ this.nalUnits.length + " bytes]";
	}

}
