package dev.streamctl.srs;

import java.time.Duration;

import dev.streamctl.common.test.FakeSrsApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Reading SRS's API over HTTP, against a server that answers as SRS 6 does. */
class SrsApiClientTest {

	private final FakeSrsApi srs = new FakeSrsApi();

	private final SrsApiClient client = new SrsApiClient(RestClient.builder(), Duration.ofSeconds(30));

	@AfterEach
	void close() {
		this.srs.close();
	}

	@Test
	void readsEveryPageOfStreams() {
		for (int i = 0; i < 2 * SrsApiClient.PAGE_SIZE + 7; i++) {
			this.srs.publish("live", "key" + i, "c" + i);
		}

		var listing = this.client.list(this.srs.url());

		assertThat(listing.api()).isEqualTo(this.srs.url());
		assertThat(listing.serverId()).isEqualTo(this.srs.serverId());
		assertThat(listing.streams()).hasSize(2 * SrsApiClient.PAGE_SIZE + 7).allSatisfy(stream -> {
			assertThat(stream.publishing()).isTrue();
			assertThat(stream.app()).isEqualTo("live");
			assertThat(stream.serverId()).isEqualTo(this.srs.serverId());
		});
		assertThat(listing.streams().get(3).name()).isEqualTo("key3");
		assertThat(listing.streams().get(3).clientId()).isEqualTo("c3");
	}

	@Test
	void answersAnEmptyListForAnIdleServer() {
		assertThat(this.client.list(this.srs.url()).streams()).isEmpty();
	}

	@Test
	void failsTheWholeListingWhenAPageFails() {
		this.srs.publish("live", "key", "c");
		this.srs.failWith(500);

		assertThatExceptionOfType(SrsApiException.class).isThrownBy(() -> this.client.list(this.srs.url()))
			.withMessageContaining(this.srs.url().toString());
	}

	@Test
	void failsWhenNoAnswerComesWithinTheTimeout() {
		SrsApiClient impatient = new SrsApiClient(RestClient.builder(), Duration.ofMillis(200));
		this.srs.setLatency(Duration.ofSeconds(30));

		assertThatExceptionOfType(SrsApiException.class).isThrownBy(() -> impatient.list(this.srs.url()))
			.withMessageContaining(this.srs.url().toString());
	}

}
