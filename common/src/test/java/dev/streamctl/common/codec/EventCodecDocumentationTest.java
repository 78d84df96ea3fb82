package dev.streamctl.common.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.event.StreamUnpublished;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds the examples in {@code docs/events.md} against the code. */
class EventCodecDocumentationTest {

	private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

	private final EventCodec codec = new EventCodec();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void everyDocumentedExampleDecodesAndEncodesBackToTheSameJson() {
		List<String> examples = documentedExamples();
		assertThat(examples).hasSize(5);
		List<SrsEvent> decoded = new ArrayList<>();
		for (String example : examples) {
			SrsEvent event = this.codec.decode(example.getBytes(), SrsEvent.class);
			decoded.add(event);
			assertThat(this.json.readTree(this.codec.encode(event))).isEqualTo(this.json.readTree(example));
		}
		assertThat(decoded).hasExactlyElementsOfTypes(StreamPublished.class, StreamUnpublished.class,
				StreamStalled.class, StreamResumed.class, SrsHeartbeat.class);
		assertThat(decoded.get(1)).extracting(e -> ((StreamUnpublished) e).reason())
			.isEqualTo(StreamUnpublished.Reason.UNPUBLISHED);
		StreamStalled stalled = (StreamStalled) decoded.get(2);
		StreamResumed resumed = (StreamResumed) decoded.get(3);
		assertThat(stalled.source()).isEqualTo(EventSource.THUMBNAIL_WORKER);
		assertThat(stalled.lastVideoAt()).isBefore(stalled.occurredAt());
		assertThat(resumed.source()).isEqualTo(EventSource.THUMBNAIL_WORKER);
		assertThat(resumed.stalledAt()).as("the example resumes the example's stall").isEqualTo(stalled.occurredAt());
		assertThat(resumed.session()).isEqualTo(stalled.session());
		assertThat(List.of(stalled.lastVideoAt(), stalled.occurredAt(), resumed.occurredAt()))
			.isSortedAccordingTo(Instant::compareTo);
	}

	@Test
	void theHeartbeatExampleCarriesTheCapturedSrsBody() {
		SrsHeartbeat documented = (SrsHeartbeat) this.codec.decode(documentedExamples().get(4).getBytes(),
				SrsEvent.class);
		var captured = this.json.readTree(SrsFixtures.raw("heartbeat_request.json"));

		assertThat(documented.source()).isEqualTo(EventSource.SRS_HOOK);
		assertThat(documented.serverId()).isEqualTo(captured.get("server").asString());
		assertThat(documented.serviceId()).isEqualTo(captured.get("service").asString());
		assertThat(documented.pid()).isEqualTo(captured.get("pid").asString());
		assertThat(documented.deviceId()).isEqualTo(captured.get("device_id").asString());
		assertThat(documented.ip()).isEqualTo(captured.get("ip").asString());
		assertThat(documented.rtmp()).containsExactly(captured.get("rtmp").get(0).asString());
		assertThat(documented.http()).containsExactly(captured.get("http").get(0).asString());
		assertThat(documented.api()).containsExactly(captured.get("api").get(0).asString());
	}

	private static List<String> documentedExamples() {
		String doc;
		try {
			doc = Files.readString(Path.of("..", "docs", "events.md"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Matcher matcher = JSON_BLOCK.matcher(doc);
		List<String> blocks = new ArrayList<>();
		while (matcher.find()) {
			blocks.add(matcher.group(1));
		}
		return blocks;
	}

}
