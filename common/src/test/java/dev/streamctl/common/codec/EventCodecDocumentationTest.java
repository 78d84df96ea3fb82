package dev.streamctl.common.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.StreamEvent;
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
	void everyDocumentedExampleDecodesAndEncodesBackToTheSameJson() throws IOException {
		List<String> examples = documentedExamples();
		assertThat(examples).hasSize(4);
		List<StreamEvent> decoded = new ArrayList<>();
		for (String example : examples) {
			StreamEvent event = this.codec.decode(example.getBytes());
			decoded.add(event);
			assertThat(this.json.readTree(this.codec.encode(event))).isEqualTo(this.json.readTree(example));
		}
		assertThat(decoded).hasExactlyElementsOfTypes(StreamPublished.class, StreamUnpublished.class,
				StreamStalled.class, StreamResumed.class);
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

	private static List<String> documentedExamples() throws IOException {
		String doc = Files.readString(Path.of("..", "docs", "events.md"));
		Matcher matcher = JSON_BLOCK.matcher(doc);
		List<String> blocks = new ArrayList<>();
		while (matcher.find()) {
			blocks.add(matcher.group(1));
		}
		return blocks;
	}

}
