package dev.streamctl.common.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StreamKeyTest {

	@ParameterizedTest
	@ValueSource(strings = { "", "a/b", "a\\b", "a\nb", "a b", "..", "." })
	void rejectsKeysThatAreUnsafeInPathsAndUrls(String unsafe) {
		assertThatIllegalArgumentException().isThrownBy(() -> StreamKey.of(unsafe))
			.satisfies(ex -> assertThat(ex.getMessage()).startsWith("stream key"));
	}

	@Test
	void rejectsAnOverlongKeyWithoutEchoingIt() {
		String key = "k".repeat(StreamKey.MAX_LENGTH + 1);

		assertThatIllegalArgumentException().isThrownBy(() -> StreamKey.of(key))
			.withMessage("stream key is 256 characters long, at most 255 are allowed");
	}

	@Test
	void showsItselfMaskedAndGivesTheValueOnlyWhenAsked() {
		StreamKey key = StreamKey.of("secretKey123");

		assertThat(key).hasToString("sec***");
		assertThat(key.value()).isEqualTo("secretKey123");
		assertThat(StreamKey.of("short")).hasToString("***");
	}

	@Test
	void sessionToStringMasksKeyAndQueryValues() {
		SrsSession session = new SrsSession("vid-1", "svc", "cid", "vid-2", "__defaultVhost__", "live",
				StreamKey.of("secretKey123"), "?token=abc&x=1", "10.0.0.1");

		assertThat(session.toString()).contains("stream=sec***", "param=?token=***&x=***")
			.doesNotContain("secretKey123", "abc");
	}

}
