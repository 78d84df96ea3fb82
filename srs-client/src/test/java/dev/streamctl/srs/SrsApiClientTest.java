package dev.streamctl.srs;

import java.time.Duration;

import dev.streamctl.common.test.FakeSrsApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SrsApiClientTest {

	private final FakeSrsApi srs = new FakeSrsApi();

	private final SrsApiClient client = new SrsApiClient(WebClient.builder(), Duration.ofSeconds(30));

	@AfterEach
	void close() {
		this.srs.close();
	}

	@Test
	void readsEveryPageOfStreams() {
		for (int i = 0; i < 2 * SrsApiClient.PAGE_SIZE + 7; i++) {
			this.srs.publish("live", "key" + i, "c" + i);
		}

		var streams = this.client.streams(this.srs.url()).block();

		assertThat(streams).hasSize(2 * SrsApiClient.PAGE_SIZE + 7).allSatisfy(stream -> {
			assertThat(stream.publishing()).isTrue();
			assertThat(stream.app()).isEqualTo("live");
			assertThat(stream.serverId()).isEqualTo(this.srs.serverId());
		});
		assertThat(streams.get(3).name()).isEqualTo("key3");
		assertThat(streams.get(3).clientId()).isEqualTo("c3");
	}

	@Test
	void answersAnEmptyListForAnIdleServer() {
		assertThat(this.client.streams(this.srs.url()).block()).isEmpty();
	}

	@Test
	void failsTheWholeListingWhenAPageFails() {
		this.srs.publish("live", "key", "c");
		this.srs.failWith(500);

		assertThatExceptionOfType(SrsApiException.class).isThrownBy(() -> this.client.streams(this.srs.url()).block())
			.withMessageContaining(this.srs.url().toString());
	}

}
