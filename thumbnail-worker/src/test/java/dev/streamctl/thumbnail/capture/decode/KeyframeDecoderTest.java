package dev.streamctl.thumbnail.capture.decode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import javax.imageio.ImageIO;

import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException.Reason;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyframeDecoderTest {

	@TempDir
	static Path clips;

	static FlvVideo srs720p;

	static FlvVideo pattern1080p;

	static FlvVideo pattern4by3;

	static FlvVideo noisy360p;

	static FlvVideo noisy480p;

	private final KeyframeDecoder decoder = new KeyframeDecoder(480, 5);

	@BeforeAll
	static void media() throws Exception {
		srs720p = TestClips.srs720p();
		pattern1080p = TestClips.testPattern(clips, 1920, 1080);
		pattern4by3 = TestClips.testPattern(clips, 640, 480);
		noisy360p = TestClips.noisyPattern(clips, 640, 360);
		noisy480p = TestClips.noisyPattern(clips, 640, 480);
	}

	@AfterEach
	void close() {
		this.decoder.close();
	}

	@Test
	void loadsTheLgplBuildOfFfmpegWithoutGplParts() {
		DecoderAvailability availability = KeyframeDecoder.availability();

		assertThat(availability.available()).as(availability.description()).isTrue();
		assertThat(availability.description()).startsWith("FFmpeg 8.").contains("LGPL version 3 or later");
		assertThat(avcodec.avcodec_license().getString()).isEqualTo("LGPL version 3 or later");
		assertThat(avcodec.avcodec_configuration().getString()).doesNotContain("--enable-gpl", "--enable-nonfree",
				"libx264", "libx265", "--enable-libxvid");
	}

	@Test
	void turnsTheKeyframeSrsSentAJoiningReaderIntoAJpegOfTheConfiguredWidth() throws Exception {
		BufferedImage thumbnail = image(this.decoder.decode(srs720p.configuration(), srs720p.firstKeyframe()));

		assertThat(thumbnail.getWidth()).isEqualTo(480);
		assertThat(thumbnail.getHeight()).isEqualTo(270);
		assertThat(distinctColours(thumbnail)).isGreaterThan(20);
	}

	@Test
	void turnsA1080pHighProfileKeyframeWithBFramesIntoThePictureItCarries() throws Exception {
		BufferedImage thumbnail = image(
				this.decoder.decode(pattern1080p.configuration(), pattern1080p.firstKeyframe()));

		assertThat(thumbnail.getWidth()).isEqualTo(480);
		assertThat(thumbnail.getHeight()).isEqualTo(270);
		// testsrc2 is bars, gradients and text in many colours; a blank or concealed
		// picture
		// has a handful
		assertThat(distinctColours(thumbnail)).isGreaterThan(200);
		assertThat(lumaSpread(thumbnail)).isGreaterThan(40);
	}

	@Test
	void keepsTheAspectRatioOfThePicture() throws Exception {
		BufferedImage thumbnail = image(this.decoder.decode(pattern4by3.configuration(), pattern4by3.firstKeyframe()));

		assertThat(thumbnail.getWidth()).isEqualTo(480);
		assertThat(thumbnail.getHeight()).isEqualTo(360);
	}

	@Test
	void opensTheDecoderAnewWhenTheConfigurationChanges() throws Exception {
		for (FlvVideo video : new FlvVideo[] { srs720p, pattern1080p, pattern4by3, srs720p }) {
			BufferedImage thumbnail = image(this.decoder.decode(video.configuration(), video.firstKeyframe()));

			assertThat(thumbnail.getWidth()).isEqualTo(480);
			assertThat(distinctColours(thumbnail)).isGreaterThan(20);
		}
	}

	@Test
	void failsClearlyOnGarbageSlicesAndThenDecodesTheNextKeyframe() throws Exception {
		byte[] garbage = garbageInsideRealFraming(pattern1080p.firstKeyframe());

		assertThatThrownBy(() -> this.decoder.decode(pattern1080p.configuration(), garbage))
			.isInstanceOfSatisfying(KeyframeDecodeException.class,
					(ex) -> assertThat(ex.reason()).isIn(Reason.LIBAV_ERROR, Reason.NO_PICTURE))
			.hasMessageContaining("H.264");
		BufferedImage thumbnail = image(
				this.decoder.decode(pattern1080p.configuration(), pattern1080p.firstKeyframe()));
		assertThat(distinctColours(thumbnail)).isGreaterThan(200);
	}

	@Test
	void rejectsLengthsThatRunPastTheInputBeforeTheyReachNativeCode() {
		byte[] keyframe = srs720p.firstKeyframe();
		byte[] truncated = Arrays.copyOf(keyframe, keyframe.length - 1);
		byte[] configuration = srs720p.configuration();

		assertInvalid(() -> this.decoder.decode(configuration, truncated), "has length");
		assertInvalid(() -> this.decoder.decode(configuration, new byte[0]), "empty");
		assertInvalid(() -> this.decoder.decode(Arrays.copyOf(configuration, 12), keyframe), "bad length");
		assertInvalid(() -> this.decoder.decode(Arrays.copyOf(configuration, 6), keyframe), "fewer than 7");
		assertInvalid(() -> this.decoder.decode(new byte[0], keyframe), "fewer than 7");
	}

	@Test
	void answersNoPictureForAFrameThatIsNotAKeyframe() throws Exception {
		assertThatThrownBy(() -> this.decoder.decode(srs720p.configuration(), srs720p.firstInterFrame()))
			.isInstanceOfSatisfying(KeyframeDecodeException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.NO_PICTURE));

		assertThat(image(this.decoder.decode(srs720p.configuration(), srs720p.firstKeyframe())).getWidth())
			.isEqualTo(480);
	}

	@Test
	void encodesWithTheConfiguredQuantizerScale() throws Exception {
		try (KeyframeDecoder best = new KeyframeDecoder(480, 2);
				KeyframeDecoder smallest = new KeyframeDecoder(480, 31)) {
			int bestSize = best.decode(pattern1080p.configuration(), pattern1080p.firstKeyframe()).length;
			int smallestSize = smallest.decode(pattern1080p.configuration(), pattern1080p.firstKeyframe()).length;

			assertThat(smallestSize).isLessThan(bestSize / 3);
		}
	}

	@Test
	void manyDecodesDoNotGrowNativeMemory() throws Exception {
		// keyframes of two streams in turn: every decode opens a new decoder context and
		// a
		// new encoder (another configuration and thumbnail height)
		FlvVideo[] streams = { noisy360p, noisy480p };
		assertThat(noisy360p.firstKeyframe().length).isGreaterThan(150_000);
		for (int i = 0; i < 20; i++) {
			this.decoder.decode(streams[i % 2].configuration(), streams[i % 2].firstKeyframe());
		}
		long before = Pointer.physicalBytes();
		for (int i = 0; i < 200; i++) {
			this.decoder.decode(streams[i % 2].configuration(), streams[i % 2].firstKeyframe());
		}
		long grown = Pointer.physicalBytes() - before;

		// a leaked packet would add 30 MB here, a leaked picture or codec context more;
		// the
		// JVM's heap growth (the resident size counts it too) stays below a few MB
		assertThat(grown).as("resident memory grown over 200 decodes").isLessThan(16L << 20);
	}

	@Test
	void canBeClosedTwiceAndRefusesToDecodeWhenClosed() {
		this.decoder.close();
		this.decoder.close();

		assertThatIllegalStateException()
			.isThrownBy(() -> this.decoder.decode(srs720p.configuration(), srs720p.firstKeyframe()))
			.withMessageContaining("closed");
	}

	@Test
	void refusesAWidthOrQualityOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyframeDecoder(15, 5))
			.withMessageContaining("width");
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyframeDecoder(480, 1))
			.withMessageContaining("quality");
		assertThatIllegalArgumentException().isThrownBy(() -> new KeyframeDecoder(480, 32))
			.withMessageContaining("quality");
	}

	private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable decode, String message) {
		assertThatThrownBy(decode)
			.isInstanceOfSatisfying(KeyframeDecodeException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_INPUT))
			.hasMessageContaining(message);
	}

	/**
	 * The keyframe's NAL units with their lengths and headers kept (so the bytes pass the
	 * framing checks and reach libavcodec as slices) and their contents replaced by
	 * noise.
	 */
	private static byte[] garbageInsideRealFraming(byte[] keyframe) {
		byte[] garbage = keyframe.clone();
		Random noise = new Random(12);
		int offset = 0;
		while (offset < garbage.length) {
			int length = ((garbage[offset] & 0xff) << 24) | ((garbage[offset + 1] & 0xff) << 16)
					| ((garbage[offset + 2] & 0xff) << 8) | (garbage[offset + 3] & 0xff);
			for (int i = offset + 5; i < offset + 4 + length; i++) {
				garbage[i] = (byte) noise.nextInt(256);
			}
			offset += 4 + length;
		}
		return garbage;
	}

	private static BufferedImage image(byte[] jpeg) throws IOException {
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
		assertThat(image).as("a JPEG ImageIO reads").isNotNull();
		return image;
	}

	private static int distinctColours(BufferedImage image) {
		Set<Integer> colours = new HashSet<>();
		for (int y = 0; y < image.getHeight(); y++) {
			for (int x = 0; x < image.getWidth(); x++) {
				colours.add(image.getRGB(x, y) & 0xf0f0f0);
			}
		}
		return colours.size();
	}

	/** The standard deviation of the pixels' luma, 0 to 255. */
	private static double lumaSpread(BufferedImage image) {
		double sum = 0;
		double squares = 0;
		int pixels = image.getWidth() * image.getHeight();
		for (int y = 0; y < image.getHeight(); y++) {
			for (int x = 0; x < image.getWidth(); x++) {
				int rgb = image.getRGB(x, y);
				double luma = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
				sum += luma;
				squares += luma * luma;
			}
		}
		double mean = sum / pixels;
		return Math.sqrt(squares / pixels - mean * mean);
	}

}
