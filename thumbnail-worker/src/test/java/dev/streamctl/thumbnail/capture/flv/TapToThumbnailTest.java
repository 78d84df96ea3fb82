package dev.streamctl.thumbnail.capture.flv;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;

import javax.imageio.ImageIO;

import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecoder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tap and the decoder fit: the newest keyframe the tap keeps of SRS's real HTTP-FLV
 * join decodes, as the tap hands it over, into a thumbnail of the configured width.
 */
class TapToThumbnailTest {

	@Test
	void theNewestKeyframeOfAnSrsJoinDecodesIntoAThumbnail() throws Exception {
		byte[] body = Files.readAllBytes(SrsFixtures.directory().resolve("http-flv/srs_http_flv_join.flv"));
		FlvTap tap = new FlvTap(4 * 1024 * 1024, () -> 0L, new FlvTap.Listener() {
		});
		tap.feed(body, 0, body.length);
		Keyframe keyframe = tap.keyframe();
		assertThat(keyframe).isNotNull();

		byte[] jpeg;
		try (KeyframeDecoder decoder = new KeyframeDecoder(480, 5)) {
			jpeg = decoder.decode(keyframe.avcConfig(), keyframe.nalUnits());
		}

		BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
		assertThat(image.getWidth()).isEqualTo(480);
		assertThat(image.getHeight()).isEqualTo(270);
	}

}
