package dev.streamctl.thumbnail.capture.flv;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Feeding a tap in different ways, and everything it ended with as one line, so that two
 * ways of feeding compare as strings.
 */
final class TapOutcome {

	static final int DEFAULT_CAP = 4 * 1024 * 1024;

	private TapOutcome() {
	}

	static FlvTap tap() {
		return new FlvTap(DEFAULT_CAP, () -> 0L, new RecordingListener());
	}

	static FlvTap whole(byte[] flv) {
		FlvTap tap = tap();
		tap.feed(flv, 0, flv.length);
		return tap;
	}

	static FlvTap byteByByte(byte[] flv) {
		FlvTap tap = tap();
		for (int i = 0; i < flv.length; i++) {
			tap.feed(flv, i, 1);
		}
		return tap;
	}

	/** Chunks of random sizes, many tiny and many up to 64 KiB, as read-only buffers. */
	static FlvTap randomChunks(byte[] flv, long seed) {
		Random random = new Random(seed);
		FlvTap tap = tap();
		int offset = 0;
		while (offset < flv.length) {
			int size = random.nextBoolean() ? 1 + random.nextInt(16) : 1 + random.nextInt(64 * 1024);
			size = Math.min(size, flv.length - offset);
			tap.feed(ByteBuffer.wrap(flv, offset, size).slice().asReadOnlyBuffer());
			offset += size;
		}
		return tap;
	}

	/** Cut at each of {@code cuts} (ascending offsets). */
	static FlvTap cutAt(byte[] flv, int... cuts) {
		FlvTap tap = tap();
		int offset = 0;
		for (int cut : cuts) {
			if (cut > offset && cut < flv.length) {
				tap.feed(flv, offset, cut - offset);
				offset = cut;
			}
		}
		tap.feed(flv, offset, flv.length - offset);
		return tap;
	}

	static String of(FlvTap tap) {
		Keyframe keyframe = tap.keyframe();
		String kept = (keyframe == null) ? "none"
				: "seq=" + keyframe.sequence() + " dts=" + keyframe.timestampMillis() + " cts="
						+ keyframe.compositionTimeMillis() + " nal=" + digest(keyframe.nalUnits()) + " config="
						+ digest(keyframe.avcConfig());
		return "keyframe[" + kept + "] bytes=" + tap.bytesRead() + " tags=" + tap.tagsRead() + " skipped="
				+ tap.tagsSkipped() + " kept=" + tap.keyframesKept() + " dropped=" + tap.keyframesDropped() + " video="
				+ tap.videoSeen() + " unsupported=" + tap.unsupportedCodec() + " failure=" + tap.failure()
				+ " retained=" + tap.retainedBytes();
	}

	/** Short arrays in hex, longer ones by a prefix of their SHA-256. */
	static String digest(byte[] bytes) {
		if (bytes.length <= 64) {
			return HexFormat.of().formatHex(bytes);
		}
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
