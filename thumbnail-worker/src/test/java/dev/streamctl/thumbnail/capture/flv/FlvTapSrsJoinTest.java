package dev.streamctl.thumbnail.capture.flv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import dev.streamctl.common.test.media.FlvTags;
import dev.streamctl.common.test.media.FlvTags.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tap on the real bytes SRS 6.0.157 sent to a reader joining a live 720p30 H.264 High
 * profile stream with AAC ({@code test-fixtures/srs/http-flv/}).
 */
class FlvTapSrsJoinTest {

	private static final byte[] JOIN = FlvTags.srsJoin();

	private static final List<Tag> TAGS = FlvTags.of(JOIN);

	private static final List<Tag> KEYFRAMES = TAGS.stream().filter(Tag::isAvcKeyframe).toList();

	private static final String WHOLE = TapOutcome.of(TapOutcome.whole(JOIN));

	@Test
	void theFixtureHoldsFourKeyframesAndEndsOnATagBoundary() {
		// What the bytes say, read without the tap: the README's "0.077 s, 2.077 s,
		// 4.077 s, ..." are presentation times; the 6 s capture holds a fourth at 6.077
		// s.
		assertThat(KEYFRAMES).extracting(Tag::timestamp).containsExactly(10, 2010, 4010, 6010);
		assertThat(KEYFRAMES).extracting(Tag::compositionTime).containsOnly(67);
		assertThat(TAGS.get(TAGS.size() - 1).end()).isEqualTo(JOIN.length);
	}

	@Test
	void keepsTheNewestKeyframeAndItsCodecConfiguration() {
		FlvTap tap = TapOutcome.whole(JOIN);

		Keyframe keyframe = tap.keyframe();
		assertThat(keyframe).isNotNull();
		assertThat(keyframe.sequence()).isEqualTo(4);
		assertThat(keyframe.timestampMillis()).isEqualTo(6010);
		assertThat(keyframe.compositionTimeMillis()).isEqualTo(67);
		assertThat(keyframe.presentationTimeMillis()).isEqualTo(6077);
		assertThat(keyframe.nalUnits()).isEqualTo(KEYFRAMES.get(3).avcPayload());
		assertThat(keyframe.nalLengthSize()).isEqualTo(4);
		Tag sequenceHeader = TAGS.stream().filter(Tag::isAvcSequenceHeader).findFirst().orElseThrow();
		assertThat(keyframe.avcConfig()).isEqualTo(sequenceHeader.avcPayload());
		assertThat(tap.failure()).isNull();
		assertThat(tap.videoSeen()).isTrue();
		assertThat(tap.unsupportedCodec()).isNull();
	}

	@Test
	void theCodecConfigurationIsA1280x720HighProfileSps() {
		Keyframe keyframe = TapOutcome.whole(JOIN).keyframe();
		assertThat(keyframe).isNotNull();
		byte[] record = keyframe.avcConfig();
		int spsLength = ((record[6] & 0xFF) << 8) | (record[7] & 0xFF);
		H264Sps sps = H264Sps.parse(Arrays.copyOfRange(record, 8, 8 + spsLength));

		assertThat(sps).isEqualTo(new H264Sps(100, 1280, 720));
		assertThat(keyframe.profileIdc()).isEqualTo(100);
	}

	@Test
	void reportsEveryKeyframeOfTheFileInOrder() {
		RecordingListener listener = new RecordingListener();
		FlvTap tap = new FlvTap(TapOutcome.DEFAULT_CAP, () -> 0L, listener);
		tap.feed(JOIN, 0, JOIN.length);

		assertThat(listener.keyframes).extracting(Keyframe::sequence).containsExactly(1L, 2L, 3L, 4L);
		assertThat(listener.keyframes).extracting(Keyframe::presentationTimeMillis)
			.containsExactly(77, 2077, 4077, 6077);
		assertThat(tap.keyframesKept()).isEqualTo(KEYFRAMES.size());
		assertThat(tap.tagsRead()).isEqualTo(TAGS.size());
		assertThat(tap.tagsSkipped()).isEqualTo(TAGS.size() - KEYFRAMES.size() - 1);
		assertThat(listener.drops).isEmpty();
		assertThat(listener.failures).isEmpty();
	}

	@Test
	void endsTheSameFedOneByteAtATime() {
		assertThat(TapOutcome.of(TapOutcome.byteByByte(JOIN))).isEqualTo(WHOLE);
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5 })
	void endsTheSameFedInRandomChunks(long seed) {
		assertThat(TapOutcome.of(TapOutcome.randomChunks(JOIN, seed))).isEqualTo(WHOLE);
	}

	@Test
	void endsTheSameWithAChunkBoundaryAtEveryPlaceOfEveryTag() {
		// From inside the PreviousTagSize before a tag, through its header and the AVC
		// video header, into its data: every tag of the file cut at the same place at
		// once.
		for (int shift = -4; shift <= 20; shift++) {
			int at = shift;
			int[] cuts = IntStream
				.concat(IntStream.rangeClosed(1, 13), TAGS.stream().mapToInt((tag) -> tag.offset() + at))
				.toArray();
			assertThat(TapOutcome.of(TapOutcome.cutAt(JOIN, cuts))).as("cut at tag start %+d", at).isEqualTo(WHOLE);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 11, 13, 1000, 26_000, 26_557 })
	void aBodyCutInsideTheLastKeyframeKeepsTheOneBefore(int intoTheTag) {
		Tag last = KEYFRAMES.get(3);
		assertThat(intoTheTag).isLessThan(last.end() - last.offset());
		FlvTap tap = TapOutcome.whole(Arrays.copyOf(JOIN, last.offset() + intoTheTag));

		Keyframe keyframe = tap.keyframe();
		assertThat(keyframe).isNotNull();
		assertThat(keyframe.sequence()).isEqualTo(3);
		assertThat(keyframe.presentationTimeMillis()).isEqualTo(4077);
		assertThat(keyframe.nalUnits()).isEqualTo(KEYFRAMES.get(2).avcPayload());
		assertThat(tap.failure()).isNull();
	}

	@Test
	void aBodyCutRightAfterTheLastKeyframeKeepsIt() {
		FlvTap tap = TapOutcome.whole(Arrays.copyOf(JOIN, KEYFRAMES.get(3).end()));

		assertThat(tap.keyframe()).isNotNull().extracting(Keyframe::sequence).isEqualTo(4L);
	}

	@Test
	void holdsOnlyTheCodecConfigurationAndTheKeyframeNeverAudio() {
		FlvTap tap = TapOutcome.whole(JOIN);
		Keyframe keyframe = tap.keyframe();
		assertThat(keyframe).isNotNull();
		long audioBytes = TAGS.stream().filter(Tag::isAudio).mapToLong(Tag::dataSize).sum();
		assertThat(audioBytes).isGreaterThan(90_000);

		// The record, its SPS and PPS as parsed, and the keyframe's NAL units: nothing
		// else.
		assertThat(tap.retainedBytes()).isEqualTo(keyframe.avcConfig().length + 26 + 4 + keyframe.sizeBytes());
		// One NAL unit: its 4-byte length becomes a 4-byte start code.
		assertThat(keyframe.toAnnexB()).hasSize((4 + 26) + (4 + 4) + keyframe.sizeBytes());
	}

	@Test
	void aStreamOfOnlyTheAudioTagsReportsNoVideo() {
		ByteArrayOutputStream audioOnly = new ByteArrayOutputStream();
		audioOnly.write(JOIN, 0, FlvTags.HEADER_AND_FIRST_PREVIOUS_TAG_SIZE);
		List<Tag> audio = TAGS.stream().filter(Tag::isAudio).toList();
		audio.forEach((tag) -> audioOnly.writeBytes(tag.bytes()));
		RecordingListener listener = new RecordingListener();
		FlvTap tap = new FlvTap(TapOutcome.DEFAULT_CAP, () -> 0L, listener);

		byte[] bytes = audioOnly.toByteArray();
		tap.feed(bytes, 0, bytes.length);

		assertThat(tap.videoSeen()).isFalse();
		assertThat(tap.lastVideoTagNanos()).isEmpty();
		assertThat(tap.keyframe()).isNull();
		assertThat(tap.failure()).isNull();
		assertThat(tap.tagsSkipped()).isEqualTo(audio.size());
		assertThat(tap.retainedBytes()).isZero();
		assertThat(listener.keyframes).isEmpty();
	}

	@Test
	void theAnnexBAccessUnitIsSpsPpsThenTheIdrSlice() {
		Keyframe keyframe = TapOutcome.whole(JOIN).keyframe();
		assertThat(keyframe).isNotNull();

		assertThat(AnnexB.nalUnitTypes(keyframe.toAnnexB())).containsExactly(7, 8, 5);
	}

	@Test
	void aCorruptPreviousTagSizeFailsTheTapAndKeepsTheKeyframesBefore() {
		byte[] corrupt = JOIN.clone();
		Tag third = KEYFRAMES.get(2);
		corrupt[third.end() - 1] ^= 0x01;
		RecordingListener listener = new RecordingListener();
		FlvTap tap = new FlvTap(TapOutcome.DEFAULT_CAP, () -> 0L, listener);

		tap.feed(corrupt, 0, corrupt.length);

		assertThat(tap.failure()).contains("PreviousTagSize at byte " + (third.end() - 4))
			.contains("is " + ((third.dataSize() + 11) ^ 1))
			.contains("corrupt");
		assertThat(listener.failures).containsExactly(tap.failure());
		assertThat(tap.keyframe()).isNotNull().extracting(Keyframe::sequence).isEqualTo(2L);
		assertThat(tap.bytesRead()).isEqualTo(JOIN.length);
	}

	@Test
	void aCorruptDataSizeFailsTheTapAtTheNextPreviousTagSize() {
		byte[] corrupt = JOIN.clone();
		Tag audio = TAGS.stream()
			.filter((tag) -> tag.isAudio() && (tag.dataSize() & 0xFF) >= 9)
			.skip(10)
			.findFirst()
			.orElseThrow();
		corrupt[audio.offset() + 3] -= 9;

		FlvTap tap = TapOutcome.whole(corrupt);

		assertThat(tap.failure()).startsWith("the PreviousTagSize at byte " + (audio.end() - 4 - 9));
	}

}
