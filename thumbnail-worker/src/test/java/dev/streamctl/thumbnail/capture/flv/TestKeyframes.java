package dev.streamctl.thumbnail.capture.flv;

import java.util.List;
import java.util.Random;

/**
 * Real {@link Keyframe}s for tests outside this package (its constructor is not public):
 * the keyframes a tap keeps of an FLV file, and keyframes whose NAL units are noise.
 */
public final class TestKeyframes {

	private TestKeyframes() {
	}

	/** Every keyframe a tap with a 16 MiB cap keeps of {@code flv}, in order. */
	public static List<Keyframe> of(byte[] flv) {
		RecordingListener listener = new RecordingListener();
		FlvTap tap = new FlvTap(16 * 1024 * 1024, System::nanoTime, listener);
		tap.feed(flv, 0, flv.length);
		if (tap.failure() != null) {
			throw new IllegalArgumentException("not a readable FLV: " + tap.failure());
		}
		return List.copyOf(listener.keyframes);
	}

	/**
	 * A keyframe of the same configuration, time and framing as {@code real}, whose NAL
	 * units keep their length and header byte but carry noise: it passes every framing
	 * check and reaches the decoder, which cannot make a picture of it.
	 */
	public static Keyframe garbled(Keyframe real, long seed) {
		byte[] units = real.nalUnits();
		Random noise = new Random(seed);
		int lengthSize = real.nalLengthSize();
		int offset = 0;
		while (offset < units.length) {
			int length = 0;
			for (int i = 0; i < lengthSize; i++) {
				length = (length << 8) | (units[offset + i] & 0xFF);
			}
			for (int i = offset + lengthSize + 1; i < offset + lengthSize + length; i++) {
				units[i] = (byte) noise.nextInt(256);
			}
			offset += lengthSize + length;
		}
		return new Keyframe(real.configuration(), units, real.timestampMillis(), real.compositionTimeMillis(),
				real.sequence());
	}

	/**
	 * A keyframe of {@code real}'s configuration and time whose only NAL unit is an IDR
	 * slice header byte followed by {@code size} bytes of noise: a large keyframe the
	 * decoder reads through and cannot make a picture of.
	 */
	public static Keyframe noise(Keyframe real, int size, long seed) {
		byte[] slice = new byte[size + 1];
		new Random(seed).nextBytes(slice);
		slice[0] = 0x65;
		int lengthSize = real.nalLengthSize();
		byte[] units = new byte[lengthSize + slice.length];
		for (int i = 0; i < lengthSize; i++) {
			units[i] = (byte) (slice.length >>> (8 * (lengthSize - 1 - i)));
		}
		System.arraycopy(slice, 0, units, lengthSize, slice.length);
		return new Keyframe(real.configuration(), units, real.timestampMillis(), real.compositionTimeMillis(),
				real.sequence());
	}

	/**
	 * An FLV body whose video is HEVC: as a classic FLV codec id 12 ({@code codecid-12}),
	 * or, when {@code enhanced}, as enhanced FLV's FourCC {@code hvc1}.
	 */
	public static byte[] hevcBody(boolean enhanced) {
		byte[] sequenceStart = enhanced ? new byte[] { 'h', 'v', 'c', '1', 1, 2, 3, 4 } : new byte[] { 0, 0, 0, 0, 1 };
		return new FlvWriter().video(0, enhanced ? 0x90 : 0x1C, sequenceStart).audio(0, 100, 0).toByteArray();
	}

}
