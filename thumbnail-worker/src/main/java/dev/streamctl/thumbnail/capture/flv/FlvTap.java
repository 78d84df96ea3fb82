package dev.streamctl.thumbnail.capture.flv;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * A push parser of one FLV byte stream (Adobe FLV 10.1, annex E) that keeps only what a
 * thumbnail needs: the latest H.264 codec configuration (the AVC sequence header) and the
 * newest complete H.264 keyframe, as a {@link Keyframe}.
 * <p>
 * Feed it the body of an HTTP-FLV response in chunks as they arrive, split anywhere.
 * Audio, script data and every other video tag are skipped by count, never copied; the
 * only buffer that grows is the one of the keyframe being received, and it grows with the
 * bytes that actually arrive, up to the keyframe cap. A keyframe over the cap is dropped
 * and reported, and the previous one kept.
 * <p>
 * Bad input never throws: a body that is not FLV, or a tag that breaks the format's
 * framing, puts the tap in a failed state with a {@link #failure() reason}, after which
 * it ignores its input (a new connection needs a new tap). What it kept before stays
 * available. A body that ends mid-tag (SRS ends the response when the publisher stops)
 * needs no call: the last complete keyframe stays. Video that is not H.264 is reported
 * once and skipped.
 * <p>
 * Threading: {@code feed} is called by one thread at a time, which also runs the
 * {@link Listener}; every query is safe from any thread.
 */
public final class FlvTap {

	/** The largest AVC sequence header accepted (a real one has tens of bytes). */
	static final int MAX_CODEC_CONFIGURATION_BYTES = 64 * 1024;

	/**
	 * The largest audio or script data tag accepted: far above any real one, far below
	 * the format's 16 MiB, so that a corrupt size fails at once instead of skipping
	 * megabytes.
	 */
	static final int MAX_AUDIO_OR_SCRIPT_TAG_BYTES = 1024 * 1024;

	private static final int INITIAL_KEYFRAME_BUFFER_BYTES = 64 * 1024;

	private static final int FILE_HEADER_BYTES = 9;

	private static final int TAG_HEADER_BYTES = 11;

	private static final int PREVIOUS_TAG_SIZE_BYTES = 4;

	/** Frame type and codec id, AVC packet type, composition time. */
	private static final int AVC_VIDEO_HEADER_BYTES = 5;

	private static final int TAG_AUDIO = 8;

	private static final int TAG_VIDEO = 9;

	private static final int TAG_SCRIPT_DATA = 18;

	private static final int CODEC_AVC = 7;

	private static final int FRAME_KEY = 1;

	private static final int FRAME_COMMAND = 5;

	private static final int AVC_SEQUENCE_HEADER = 0;

	private static final int AVC_NALU = 1;

	private static final byte[] SIGNATURE = { 'F', 'L', 'V', 1 };

	private enum Phase {

		FILE_HEADER, PREVIOUS_TAG_SIZE, TAG_HEADER, VIDEO_HEADER, SKIP, COLLECT, FAILED

	}

	/** What to do with a tag once its PreviousTagSize has confirmed its size. */
	private enum Pending {

		NOTHING, SKIPPED, CODEC_CONFIGURATION, KEYFRAME

	}

	/** Why a keyframe was not kept. */
	public enum DropReason {

		/** Larger than the tap's keyframe cap; its bytes were skipped. */
		TOO_LARGE,

		/** It came before any AVC sequence header, so it could not be decoded. */
		NO_CODEC_CONFIGURATION,

		/** Its NAL unit lengths do not add up to its size. */
		MALFORMED

	}

	/**
	 * What a tap reports as it happens, on the feeding thread, for log lines and metrics.
	 * Implementations must not throw and should return quickly.
	 */
	public interface Listener {

		/** A newer complete keyframe is available from {@link FlvTap#keyframe()}. */
		default void keyframe(Keyframe keyframe) {
		}

		/** A keyframe of {@code sizeBytes} bytes was not kept; the previous one stays. */
		default void keyframeDropped(DropReason reason, int sizeBytes) {
		}

		/**
		 * The stream's video is not H.264 (called once per tap). {@code codec} is a short
		 * label fit for a metric tag: {@code codecid-N} for a classic FLV codec id (2
		 * Sorenson H.263, 12 HEVC as SRS and others carry it, ...) or {@code fourcc-XXXX}
		 * for enhanced FLV ({@code hvc1}, {@code av01}, {@code vp09}, ...).
		 */
		default void unsupportedCodec(String codec) {
		}

		/** The tap failed for {@code reason} and ignores the rest of its input. */
		default void failed(String reason) {
		}

	}

	private final int maxKeyframeBytes;

	private final LongSupplier nanoClock;

	private final Listener listener;

	// Parser state: the feeding thread only.

	private Phase phase = Phase.FILE_HEADER;

	private final byte[] header = new byte[TAG_HEADER_BYTES];

	private int headerFill;

	private long position;

	private long tagStart;

	private int dataSize;

	private int dataRemaining;

	private int expectedPreviousTagSize;

	private Pending pending = Pending.NOTHING;

	private int timestamp;

	private int compositionTime;

	private byte @Nullable [] collecting;

	private int collected;

	// Read by any thread.

	private volatile @Nullable AvcConfiguration configuration;

	private volatile @Nullable Keyframe keyframe;

	private volatile int collectingCapacity;

	private volatile @Nullable String failure;

	private volatile @Nullable String unsupportedCodec;

	private volatile boolean videoSeen;

	private volatile long lastVideoTagNanos;

	private final AtomicLong bytesRead = new AtomicLong();

	private final AtomicLong tagsRead = new AtomicLong();

	private final AtomicLong tagsSkipped = new AtomicLong();

	private final AtomicLong keyframesKept = new AtomicLong();

	private final AtomicLong keyframesDropped = new AtomicLong();

	/**
	 * A tap waiting for the first byte of an FLV body.
	 * @param maxKeyframeBytes the keyframe cap: the largest keyframe (its NAL units) kept
	 * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}), read when a
	 * video tag arrives
	 * @param listener told of keyframes, drops, an unsupported codec and failure
	 */
	FlvTap(int maxKeyframeBytes, LongSupplier nanoClock, Listener listener) {
		if (maxKeyframeBytes < 1) {
			throw new IllegalArgumentException("maxKeyframeBytes must be positive, was " + maxKeyframeBytes);
		}
		this.maxKeyframeBytes = maxKeyframeBytes;
		this.nanoClock = nanoClock;
		this.listener = listener;
	}

	/** Parses {@code length} bytes of {@code chunk} from {@code offset}. */
	void feed(byte[] chunk, int offset, int length) {
		feed(ByteBuffer.wrap(chunk, offset, length));
	}

	/**
	 * Parses the remaining bytes of {@code chunk}, read-only and direct buffers included,
	 * and leaves none remaining. Never throws for what the bytes hold.
	 */
	void feed(ByteBuffer chunk) {
		this.bytesRead.addAndGet(chunk.remaining());
		while (chunk.hasRemaining() && this.phase != Phase.FAILED) {
			switch (this.phase) {
				case FILE_HEADER -> readFileHeader(chunk);
				case PREVIOUS_TAG_SIZE -> readPreviousTagSize(chunk);
				case TAG_HEADER -> readTagHeader(chunk);
				case VIDEO_HEADER -> readVideoHeader(chunk);
				case SKIP -> skip(chunk);
				case COLLECT -> collect(chunk);
				case FAILED -> {
				}
			}
		}
		chunk.position(chunk.limit());
	}

	private void readFileHeader(ByteBuffer chunk) {
		int before = this.headerFill;
		boolean complete = fill(chunk, FILE_HEADER_BYTES);
		int available = complete ? FILE_HEADER_BYTES : this.headerFill;
		for (int i = before; i < Math.min(available, SIGNATURE.length); i++) {
			if (this.header[i] != SIGNATURE[i]) {
				fail("not an FLV stream: it starts with " + printable(this.header, available)
						+ ", not \"FLV\" version 1");
				return;
			}
		}
		if (complete) {
			long dataOffset = readUnsigned(this.header, 5, 4);
			if (dataOffset != FILE_HEADER_BYTES) {
				fail("the FLV header's DataOffset is " + dataOffset + ", not 9");
				return;
			}
			this.expectedPreviousTagSize = 0;
			this.phase = Phase.PREVIOUS_TAG_SIZE;
		}
	}

	private void readPreviousTagSize(ByteBuffer chunk) {
		if (!fill(chunk, PREVIOUS_TAG_SIZE_BYTES)) {
			return;
		}
		long previousTagSize = readUnsigned(this.header, 0, PREVIOUS_TAG_SIZE_BYTES);
		if (previousTagSize != this.expectedPreviousTagSize) {
			fail("the PreviousTagSize at byte " + (this.position - PREVIOUS_TAG_SIZE_BYTES) + " is " + previousTagSize
					+ " where the tag before it had " + this.expectedPreviousTagSize + " bytes: the stream is corrupt");
			return;
		}
		Pending completed = this.pending;
		this.pending = Pending.NOTHING;
		this.phase = Phase.TAG_HEADER;
		if (completed != Pending.NOTHING) {
			this.tagsRead.incrementAndGet();
		}
		switch (completed) {
			case SKIPPED -> this.tagsSkipped.incrementAndGet();
			case CODEC_CONFIGURATION -> completeCodecConfiguration();
			case KEYFRAME -> completeKeyframe();
			case NOTHING -> {
			}
		}
	}

	private void readTagHeader(ByteBuffer chunk) {
		if (!fill(chunk, TAG_HEADER_BYTES)) {
			return;
		}
		this.tagStart = this.position - TAG_HEADER_BYTES;
		int flags = this.header[0] & 0xFF;
		int type = flags & 0x1F;
		this.dataSize = (int) readUnsigned(this.header, 1, 3);
		this.dataRemaining = this.dataSize;
		this.expectedPreviousTagSize = TAG_HEADER_BYTES + this.dataSize;
		this.timestamp = (int) readUnsigned(this.header, 4, 3) | ((this.header[7] & 0xFF) << 24);
		long streamId = readUnsigned(this.header, 8, 3);
		if ((flags & 0xE0) != 0) {
			fail("the tag at byte " + this.tagStart + " has its reserved or encryption bits set ("
					+ String.format(Locale.ROOT, "0x%02X", flags) + "): corrupt, or encrypted FLV");
		}
		else if (streamId != 0) {
			fail("the tag at byte " + this.tagStart + " has stream id " + streamId + ", not 0: the stream is corrupt");
		}
		else if (type == TAG_VIDEO) {
			this.lastVideoTagNanos = this.nanoClock.getAsLong();
			this.videoSeen = true;
			if (this.dataSize == 0) {
				skipData();
			}
			else {
				this.phase = Phase.VIDEO_HEADER;
			}
		}
		else if (type == TAG_AUDIO || type == TAG_SCRIPT_DATA) {
			if (this.dataSize > MAX_AUDIO_OR_SCRIPT_TAG_BYTES) {
				fail("the " + ((type == TAG_AUDIO) ? "audio" : "script data") + " tag at byte " + this.tagStart
						+ " claims " + this.dataSize + " bytes, more than " + MAX_AUDIO_OR_SCRIPT_TAG_BYTES
						+ ": the stream is corrupt");
			}
			else {
				skipData();
			}
		}
		else {
			fail("the tag at byte " + this.tagStart + " has type " + type
					+ ", not audio (8), video (9) or script data (18): the stream is corrupt");
		}
	}

	private void readVideoHeader(ByteBuffer chunk) {
		int needed = Math.min(AVC_VIDEO_HEADER_BYTES, this.dataSize);
		if (!fill(chunk, needed)) {
			return;
		}
		this.dataRemaining -= needed;
		int first = this.header[0] & 0xFF;
		if ((first & 0x80) != 0) {
			// Enhanced FLV (IsExHeader): the codec is a FourCC after the first byte.
			unsupported((needed == AVC_VIDEO_HEADER_BYTES) ? "fourcc-" + fourCc(this.header, 1) : "fourcc-none");
			skipData();
			return;
		}
		int frameType = first >> 4;
		int codecId = first & 0x0F;
		if (codecId != CODEC_AVC) {
			unsupported("codecid-" + codecId);
			skipData();
			return;
		}
		if (needed < AVC_VIDEO_HEADER_BYTES || frameType == FRAME_COMMAND) {
			skipData();
			return;
		}
		int packetType = this.header[1] & 0xFF;
		if (packetType == AVC_SEQUENCE_HEADER) {
			startCodecConfiguration();
		}
		else if (packetType == AVC_NALU && frameType == FRAME_KEY) {
			startKeyframe();
		}
		else {
			skipData();
		}
	}

	private void startCodecConfiguration() {
		if (this.dataRemaining > MAX_CODEC_CONFIGURATION_BYTES) {
			fail("the AVC sequence header at byte " + this.tagStart + " has " + this.dataRemaining
					+ " bytes, more than " + MAX_CODEC_CONFIGURATION_BYTES + ": the stream is corrupt");
			return;
		}
		startCollecting(Pending.CODEC_CONFIGURATION);
	}

	private void startKeyframe() {
		if (this.configuration == null) {
			drop(DropReason.NO_CODEC_CONFIGURATION, this.dataRemaining);
			skipData();
		}
		else if (this.dataRemaining > this.maxKeyframeBytes) {
			drop(DropReason.TOO_LARGE, this.dataRemaining);
			skipData();
		}
		else {
			// Signed 24-bit composition time offset.
			this.compositionTime = ((int) readUnsigned(this.header, 2, 3) << 8) >> 8;
			startCollecting(Pending.KEYFRAME);
		}
	}

	private void startCollecting(Pending what) {
		this.pending = what;
		this.collecting = new byte[Math.min(this.dataRemaining, INITIAL_KEYFRAME_BUFFER_BYTES)];
		this.collectingCapacity = this.collecting.length;
		this.collected = 0;
		this.phase = (this.dataRemaining > 0) ? Phase.COLLECT : Phase.PREVIOUS_TAG_SIZE;
	}

	private void skipData() {
		this.pending = Pending.SKIPPED;
		this.phase = (this.dataRemaining > 0) ? Phase.SKIP : Phase.PREVIOUS_TAG_SIZE;
	}

	private void skip(ByteBuffer chunk) {
		int count = Math.min(this.dataRemaining, chunk.remaining());
		chunk.position(chunk.position() + count);
		consumed(count);
	}

	private void collect(ByteBuffer chunk) {
		byte[] buffer = this.collecting;
		if (buffer == null) {
			throw new IllegalStateException("collecting without a buffer");
		}
		int count = Math.min(this.dataRemaining, chunk.remaining());
		if (this.collected + count > buffer.length) {
			// Grows with what arrived, never past the size the tag declared (itself
			// capped).
			int target = this.collected + this.dataRemaining;
			int grown = (int) Math.min(target, Math.max(2L * buffer.length, this.collected + count));
			byte[] larger = new byte[grown];
			System.arraycopy(buffer, 0, larger, 0, this.collected);
			buffer = larger;
			this.collecting = larger;
			this.collectingCapacity = larger.length;
		}
		chunk.get(buffer, this.collected, count);
		this.collected += count;
		consumed(count);
	}

	private void consumed(int count) {
		this.position += count;
		this.dataRemaining -= count;
		if (this.dataRemaining == 0) {
			this.phase = Phase.PREVIOUS_TAG_SIZE;
		}
	}

	private void completeCodecConfiguration() {
		byte[] record = takeCollected();
		try {
			this.configuration = AvcConfiguration.of(record);
		}
		catch (IllegalArgumentException ex) {
			fail("the AVC sequence header at byte " + this.tagStart + " is malformed: " + ex.getMessage());
		}
	}

	private void completeKeyframe() {
		byte[] units = takeCollected();
		AvcConfiguration current = this.configuration;
		if (current == null) {
			throw new IllegalStateException("a keyframe was collected without a codec configuration");
		}
		if (current.problemWithNalUnits(units) != null) {
			drop(DropReason.MALFORMED, units.length);
			return;
		}
		Keyframe kept = new Keyframe(current, units, this.timestamp, this.compositionTime,
				this.keyframesKept.get() + 1);
		this.keyframe = kept;
		this.keyframesKept.incrementAndGet();
		this.listener.keyframe(kept);
	}

	/** The collected bytes, in an array of exactly their size, released by the tap. */
	private byte[] takeCollected() {
		byte[] buffer = this.collecting;
		this.collecting = null;
		this.collectingCapacity = 0;
		if (buffer == null) {
			return new byte[0];
		}
		if (buffer.length == this.collected) {
			return buffer;
		}
		byte[] exact = new byte[this.collected];
		System.arraycopy(buffer, 0, exact, 0, this.collected);
		return exact;
	}

	private void drop(DropReason reason, int sizeBytes) {
		this.keyframesDropped.incrementAndGet();
		this.listener.keyframeDropped(reason, sizeBytes);
	}

	private void unsupported(String codec) {
		if (this.unsupportedCodec == null) {
			this.unsupportedCodec = codec;
			this.listener.unsupportedCodec(codec);
		}
	}

	private void fail(String reason) {
		this.phase = Phase.FAILED;
		this.failure = reason;
		this.collecting = null;
		this.collectingCapacity = 0;
		this.listener.failed(reason);
	}

	/**
	 * Copies bytes into {@link #header} until it holds {@code needed}.
	 * @return whether it does; if so the next fill starts over
	 */
	private boolean fill(ByteBuffer chunk, int needed) {
		int count = Math.min(needed - this.headerFill, chunk.remaining());
		chunk.get(this.header, this.headerFill, count);
		this.headerFill += count;
		this.position += count;
		if (this.headerFill < needed) {
			return false;
		}
		this.headerFill = 0;
		return true;
	}

	private static long readUnsigned(byte[] bytes, int offset, int length) {
		long value = 0;
		for (int i = offset; i < offset + length; i++) {
			value = (value << 8) | (bytes[i] & 0xFF);
		}
		return value;
	}

	private static String fourCc(byte[] bytes, int offset) {
		StringBuilder label = new StringBuilder(4);
		for (int i = offset; i < offset + 4; i++) {
			char c = (char) (bytes[i] & 0xFF);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
			label.append(plain ? c : '_');
		}
		return label.toString();
	}

	/** The first bytes in hex, then as ASCII with anything unprintable as a dot. */
	private static String printable(byte[] bytes, int length) {
		StringBuilder hex = new StringBuilder();
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			int b = bytes[i] & 0xFF;
			hex.append(String.format(Locale.ROOT, "%02X ", b));
			text.append((b >= 0x20 && b < 0x7F) ? (char) b : '.');
		}
		return hex.toString().trim() + " (\"" + text + "\")";
	}

	/** The newest complete keyframe kept, or null before the first. */
	@Nullable Keyframe keyframe() {
		return this.keyframe;
	}

	/** Whether any video tag arrived, of whatever codec. */
	boolean videoSeen() {
		return this.videoSeen;
	}

	/** The {@code nanoClock} reading when the last video tag's header arrived. */
	OptionalLong lastVideoTagNanos() {
		return this.videoSeen ? OptionalLong.of(this.lastVideoTagNanos) : OptionalLong.empty();
	}

	/** Why the tap failed, or null while it has not. */
	@Nullable String failure() {
		return this.failure;
	}

	/** The label of the unsupported video codec reported, or null if none was. */
	@Nullable String unsupportedCodec() {
		return this.unsupportedCodec;
	}

	/** Bytes fed, the FLV header included. */
	long bytesRead() {
		return this.bytesRead.get();
	}

	/** Complete tags, their PreviousTagSize checked. */
	long tagsRead() {
		return this.tagsRead.get();
	}

	/** Complete tags whose data was skipped: audio, script data, other video. */
	long tagsSkipped() {
		return this.tagsSkipped.get();
	}

	/** Keyframes kept: the sequence number of the newest. */
	long keyframesKept() {
		return this.keyframesKept.get();
	}

	/** Keyframes seen but not kept, for any {@link DropReason}. */
	long keyframesDropped() {
		return this.keyframesDropped.get();
	}

	/**
	 * Bytes of media this tap holds: the codec configuration, the kept keyframe (with the
	 * configuration it came with, when that is an older one) and the buffer of a keyframe
	 * or configuration being received. Fixed-size parser state is not counted.
	 */
	long retainedBytes() {
		AvcConfiguration current = this.configuration;
		Keyframe kept = this.keyframe;
		long bytes = this.collectingCapacity;
		if (current != null) {
			bytes += current.retainedBytes();
		}
		if (kept != null) {
			bytes += kept.sizeBytes();
			if (kept.configuration() != current) {
				bytes += kept.configuration().retainedBytes();
			}
		}
		return bytes;
	}

}
