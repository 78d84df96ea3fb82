package dev.streamctl.thumbnail.capture.flv;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static dev.streamctl.thumbnail.capture.flv.FlvWriter.PPS;
import static dev.streamctl.thumbnail.capture.flv.FlvWriter.SPS;
import static dev.streamctl.thumbnail.capture.flv.FlvWriter.avcRecord;
import static dev.streamctl.thumbnail.capture.flv.FlvWriter.idrSlice;
import static dev.streamctl.thumbnail.capture.flv.FlvWriter.nalUnits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** The tap on synthetic FLV streams: limits, bad input and codecs other than H.264. */
class FlvTapTest {

	private static final int MIB = 1024 * 1024;

	private final RecordingListener listener = new RecordingListener();

	private final AtomicLong nanos = new AtomicLong();

	private FlvTap tap(int cap) {
		return new FlvTap(cap, this.nanos::get, this.listener);
	}

	private static void feed(FlvTap tap, byte[] bytes) {
		tap.feed(bytes, 0, bytes.length);
	}

	@Test
	void aKeyframeOverTheCapIsDroppedAndReportedAndThePreviousOneKept() {
		byte[] small = nalUnits(4, idrSlice(1000, 1));
		byte[] huge = nalUnits(4, idrSlice(2 * MIB, 2));
		byte[] next = nalUnits(4, idrSlice(500, 3));
		FlvTap tap = tap(MIB);
		feed(tap, new FlvWriter().avcSequenceHeader(0, avcRecord()).avcKeyframe(0, 0, small).toByteArray());
		long before = tap.retainedBytes();

		long mostRetained = feedInChunks(tap, new FlvWriter().avcKeyframe(2000, 0, huge).tagsOnly(), 4096);

		assertThat(this.listener.drops).containsExactly("TOO_LARGE " + huge.length);
		assertThat(tap.keyframe()).isNotNull().satisfies((kept) -> {
			assertThat(kept.sequence()).isEqualTo(1);
			assertThat(kept.nalUnits()).isEqualTo(small);
		});
		assertThat(tap.keyframesDropped()).isEqualTo(1);
		assertThat(mostRetained).isEqualTo(before);
		assertThat(tap.failure()).isNull();

		feed(tap, new FlvWriter().avcKeyframe(4000, 0, next).tagsOnly());
		assertThat(tap.keyframe()).isNotNull().satisfies((kept) -> {
			assertThat(kept.sequence()).isEqualTo(2);
			assertThat(kept.timestampMillis()).isEqualTo(4000);
			assertThat(kept.nalUnits()).isEqualTo(next);
		});
	}

	@Test
	void aKeyframeOfExactlyTheCapIsKeptAndItsBufferNeverGrowsPastIt() {
		byte[] units = nalUnits(4, idrSlice(MIB - 4, 7));
		FlvTap tap = tap(MIB);
		feed(tap, new FlvWriter().avcSequenceHeader(0, avcRecord()).toByteArray());
		long configuration = tap.retainedBytes();

		long mostRetained = feedInChunks(tap, new FlvWriter().avcKeyframe(0, 0, units).tagsOnly(), 1000);

		assertThat(tap.keyframe()).isNotNull().extracting(Keyframe::sizeBytes).isEqualTo(MIB);
		assertThat(mostRetained).isEqualTo(configuration + MIB);
		assertThat(this.listener.drops).isEmpty();
	}

	@Test
	void aKeyframeThatClaimsTheCapButSendsLittleAllocatesLittle() {
		byte[] header = new FlvWriter().avcSequenceHeader(0, avcRecord()).toByteArray();
		byte[] keyframe = new FlvWriter().avcKeyframe(0, 0, nalUnits(4, idrSlice(4 * MIB - 4, 0))).tagsOnly();
		FlvTap tap = tap(4 * MIB);
		feed(tap, header);
		long configuration = tap.retainedBytes();

		tap.feed(keyframe, 0, 100);

		assertThat(tap.retainedBytes() - configuration).isLessThanOrEqualTo(64 * 1024);
	}

	@Test
	void randomBytesFailTheTapWithAClearReasonAndNoException() {
		byte[] garbage = new byte[100_000];
		new Random(42).nextBytes(garbage);
		FlvTap tap = tap(MIB);

		assertThatNoException().isThrownBy(() -> feed(tap, garbage));

		assertThat(tap.failure()).startsWith("not an FLV stream: it starts with ").endsWith(", not \"FLV\" version 1");
		assertThat(this.listener.failures).containsExactly(tap.failure());
		assertThat(tap.keyframe()).isNull();
		assertThat(tap.retainedBytes()).isZero();
	}

	@Test
	void anHttpErrorPageFailsAtItsFirstByteAndNamesWhatItGot() {
		byte[] page = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
				+ "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		FlvTap tap = tap(MIB);

		tap.feed(page, 0, 1);
		assertThat(tap.failure()).isEqualTo("not an FLV stream: it starts with 3C (\"<\"), not \"FLV\" version 1");
		tap.feed(page, 1, page.length - 1);

		assertThat(this.listener.failures).hasSize(1);
		assertThat(tap.bytesRead()).isEqualTo(page.length);
	}

	@Test
	void aWrongFlvVersionFailsWithTheHeaderInTheReason() {
		FlvTap tap = tap(MIB);

		feed(tap, new byte[] { 'F', 'L', 'V', 2, 5, 0, 0, 0, 9, 0, 0, 0, 0 });

		assertThat(tap.failure()).isEqualTo(
				"not an FLV stream: it starts with 46 4C 56 02 05 00 00 00 09 (\"FLV......\"), not \"FLV\" version 1");
	}

	@Test
	void anAudioTagOfAnAbsurdSizeFailsAtItsHeader() {
		byte[] flv = new FlvWriter().toByteArray();
		byte[] absurd = { 8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0 };
		FlvTap tap = tap(MIB);

		feed(tap, FlvWriter.concat(flv, absurd));

		assertThat(tap.failure())
			.isEqualTo("the audio tag at byte 13 claims 16777215 bytes, more than 1048576: the stream is corrupt");
	}

	@Test
	void anUnknownTagTypeOrStreamIdFailsTheTap() {
		byte[] flv = new FlvWriter().tag(7, 0, new byte[10]).toByteArray();
		FlvTap unknownType = tap(MIB);
		feed(unknownType, flv);
		assertThat(unknownType.failure()).isEqualTo(
				"the tag at byte 13 has type 7, not audio (8), video (9) or script data (18): the stream is corrupt");

		byte[] streamId = new FlvWriter().audio(0, 10, 0).toByteArray();
		streamId[13 + 10] = 1;
		FlvTap wrongStream = tap(MIB);
		feed(wrongStream, streamId);
		assertThat(wrongStream.failure()).isEqualTo("the tag at byte 13 has stream id 1, not 0: the stream is corrupt");
	}

	@Test
	void aFailedTapIgnoresWhatFollowsAndKeepsItsKeyframe() {
		byte[] good = new FlvWriter().avcSequenceHeader(0, avcRecord())
			.avcKeyframe(0, 0, nalUnits(4, idrSlice(100, 1)))
			.toByteArray();
		byte[] garbage = new byte[50_000];
		new Random(7).nextBytes(garbage);
		FlvTap tap = tap(MIB);

		feed(tap, FlvWriter.concat(good, garbage));
		feed(tap, new FlvWriter().avcKeyframe(0, 0, nalUnits(4, idrSlice(100, 2))).tagsOnly());

		assertThat(tap.failure()).isNotNull();
		assertThat(this.listener.failures).hasSize(1);
		assertThat(tap.keyframe()).isNotNull().extracting(Keyframe::sequence).isEqualTo(1L);
	}

	@Test
	void hevcWithFlvCodecId12IsReportedOnceAsUnsupported() {
		byte[] hevcHeader = { 0, 0, 0, 0, 1, 2, 3 };
		byte[] hevcFrame = { 1, 0, 0, 0, 0, 0, 0, 5, 0x26, 1, 2, 3, 4 };
		byte[] flv = new FlvWriter().video(0, 0x1C, hevcHeader)
			.video(0, 0x1C, hevcFrame)
			.audio(10, 300, 0)
			.video(40, 0x2C, hevcFrame)
			.video(2000, 0x1C, hevcFrame)
			.toByteArray();
		FlvTap tap = tap(MIB);

		feed(tap, flv);

		assertThat(this.listener.unsupportedCodecs).containsExactly("codecid-12");
		assertThat(tap.unsupportedCodec()).isEqualTo("codecid-12");
		assertThat(tap.videoSeen()).isTrue();
		assertThat(tap.keyframe()).isNull();
		assertThat(tap.failure()).isNull();
		assertThat(tap.tagsSkipped()).isEqualTo(5);
		assertThat(tap.retainedBytes()).isZero();
	}

	@Test
	void enhancedFlvHevcIsReportedByItsFourCc() {
		byte[] sequenceStart = { 'h', 'v', 'c', '1', 1, 2, 3 };
		byte[] codedFrames = { 'h', 'v', 'c', '1', 0, 0, 0, 0, 0, 0, 5, 0x26 };
		FlvTap tap = tap(MIB);

		feed(tap, new FlvWriter().video(0, 0x90, sequenceStart).video(0, 0x91, codedFrames).toByteArray());

		assertThat(this.listener.unsupportedCodecs).containsExactly("fourcc-hvc1");
		assertThat(tap.keyframe()).isNull();
		assertThat(tap.failure()).isNull();
	}

	@Test
	void sorensonH263IsReportedAsUnsupported() {
		FlvTap tap = tap(MIB);

		feed(tap, new FlvWriter().video(0, 0x12, new byte[] { 0, 0, (byte) 0x84, 0 }).toByteArray());

		assertThat(this.listener.unsupportedCodecs).containsExactly("codecid-2");
		assertThat(tap.keyframe()).isNull();
	}

	@Test
	void aKeyframeBeforeAnyCodecConfigurationIsDroppedAndTheNextOneKept() {
		byte[] units = nalUnits(4, idrSlice(300, 1));
		FlvTap tap = tap(MIB);

		feed(tap,
				new FlvWriter().avcKeyframe(0, 0, units)
					.avcSequenceHeader(10, avcRecord())
					.avcKeyframe(2000, 33, units)
					.toByteArray());

		assertThat(this.listener.drops).containsExactly("NO_CODEC_CONFIGURATION " + units.length);
		assertThat(tap.keyframe()).isNotNull().satisfies((kept) -> {
			assertThat(kept.sequence()).isEqualTo(1);
			assertThat(kept.presentationTimeMillis()).isEqualTo(2033);
		});
	}

	@Test
	void aKeyframeWhoseNalLengthsDoNotAddUpIsDroppedAndThePreviousOneKept() {
		byte[] good = nalUnits(4, idrSlice(300, 1));
		byte[] bad = nalUnits(4, idrSlice(300, 2));
		bad[3] = (byte) 0xFF;
		FlvTap tap = tap(MIB);

		feed(tap,
				new FlvWriter().avcSequenceHeader(0, avcRecord())
					.avcKeyframe(0, 0, good)
					.avcKeyframe(2000, 0, bad)
					.toByteArray());

		assertThat(this.listener.drops).containsExactly("MALFORMED " + bad.length);
		assertThat(tap.keyframe()).isNotNull().extracting(Keyframe::nalUnits).isEqualTo(good);
		assertThat(tap.failure()).isNull();
	}

	@Test
	void aMalformedCodecConfigurationFailsTheTap() {
		byte[] record = avcRecord();
		record[0] = 0;
		FlvTap tap = tap(MIB);

		feed(tap, new FlvWriter().avcSequenceHeader(0, record).toByteArray());

		assertThat(tap.failure())
			.isEqualTo("the AVC sequence header at byte 13 is malformed: its configurationVersion is 0, not 1");
	}

	@Test
	void aKeyframeKeepsTheConfigurationItArrivedUnderAndTheNextTakesTheNewOne() {
		byte[] first = avcRecord(100, 4, SPS, PPS);
		byte[] second = avcRecord(77, 2, new byte[] { 0x67, 77, 0, 0x1E }, new byte[] { 0x68, 1 });
		FlvTap tap = tap(MIB);
		feed(tap,
				new FlvWriter().avcSequenceHeader(0, first)
					.avcKeyframe(0, 0, nalUnits(4, idrSlice(50, 1)))
					.avcSequenceHeader(1000, second)
					.toByteArray());

		Keyframe before = tap.keyframe();
		assertThat(before).isNotNull();
		assertThat(before.avcConfig()).isEqualTo(first);
		assertThat(before.profileIdc()).isEqualTo(100);

		byte[] units = nalUnits(2, new byte[] { 0x06, 5, 1, (byte) 0x80 }, idrSlice(40, 2));
		feed(tap, new FlvWriter().avcKeyframe(1000, 0, units).tagsOnly());

		Keyframe after = tap.keyframe();
		assertThat(after).isNotNull();
		assertThat(after.avcConfig()).isEqualTo(second);
		assertThat(after.nalLengthSize()).isEqualTo(2);
		assertThat(AnnexB.nalUnitTypes(after.toAnnexB())).containsExactly(7, 8, 6, 5);
		assertThat(after.toAnnexB()).startsWith(0, 0, 0, 1, 0x67, 77, 0, 0x1E, 0, 0, 0, 1, 0x68, 1, 0, 0, 0, 1, 0x06);
		assertThat(before.avcConfig()).isEqualTo(first);
	}

	@Test
	void timesTheLastVideoTagWithTheGivenClock() {
		FlvTap tap = tap(MIB);
		this.nanos.set(1_000);
		feed(tap, new FlvWriter().audio(0, 10, 0).toByteArray());
		assertThat(tap.videoSeen()).isFalse();
		assertThat(tap.lastVideoTagNanos()).isEmpty();

		this.nanos.set(5_000);
		feed(tap, new FlvWriter().avcInterFrame(33, 0, nalUnits(4, new byte[] { 0x41, 1 })).tagsOnly());
		this.nanos.set(9_000);
		feed(tap, new FlvWriter().audio(40, 10, 0).tagsOnly());

		assertThat(tap.videoSeen()).isTrue();
		assertThat(tap.lastVideoTagNanos()).hasValue(5_000);
		assertThat(tap.keyframe()).isNull();
	}

	@Test
	void endsTheSameWhereverTwoChunkBoundariesFall() {
		byte[] flv = new FlvWriter().tag(18, 0, "onMetaData".getBytes(StandardCharsets.US_ASCII))
			.audio(0, 5, 0x11)
			.avcSequenceHeader(0, avcRecord())
			.avcKeyframe(10, 67, nalUnits(4, new byte[] { 0x06, 1, 2 }, idrSlice(40, 1)))
			.avcInterFrame(44, 133, nalUnits(4, new byte[] { 0x41, 9, 9, 9 }))
			.audio(21, 7, 0x22)
			.avcKeyframe(2010, 67, nalUnits(4, idrSlice(30, 2)))
			.audio(42, 3, 0x33)
			.toByteArray();
		String whole = TapOutcome.of(TapOutcome.whole(flv));
		assertThat(whole).contains("seq=2 dts=2010 cts=67").contains("failure=null");

		for (int first = 1; first < flv.length; first++) {
			for (int second = first + 1; second < flv.length; second++) {
				String outcome = TapOutcome.of(TapOutcome.cutAt(flv, first, second));
				if (!outcome.equals(whole)) {
					assertThat(outcome).as("cut at %d and %d", first, second).isEqualTo(whole);
				}
			}
		}
	}

	/** Feeds in chunks and answers the most bytes the tap held between two chunks. */
	private static long feedInChunks(FlvTap tap, byte[] tags, int chunk) {
		long most = tap.retainedBytes();
		for (int offset = 0; offset < tags.length; offset += chunk) {
			tap.feed(tags, offset, Math.min(chunk, tags.length - offset));
			most = Math.max(most, tap.retainedBytes());
		}
		return most;
	}

}
