package dev.streamctl.store;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The workers' blocking Supabase client against the PostgREST fake. */
class SupabaseChannelStoreTest extends SupabaseClientTest {

	final TestClock clock = new TestClock();

	@Override
	SupabaseChannelStore client(SupabaseSettings settings) {
		return new SupabaseChannelStore(RestClient.builder(), settings, this.clock);
	}

	/** One quick second try, whatever more the settings allow. */
	@Override
	int triesOfAQuickTransientFailure() {
		return 2;
	}

	@Test
	void readsRowsFreshInChunksAndTeachesTheLookupCache() {
		List<StreamKey> keys = IntStream.range(0, 150).mapToObj(i -> StreamKey.of("key-" + i)).toList();
		keys.forEach(key -> this.store.addChannel(key.value()));
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);
		ChannelStore other = client(FakePostgrest.SERVICE_KEY);
		client.find(keys.get(0));
		other.write(other.find(keys.get(0)).orElseThrow(), LiveState.ONLINE, this.t0);
		this.store.clearRequests();

		assertThat(client.read(keys).get(keys.get(0))).get().extracting(Channel::live).isEqualTo(true);
		assertThat(client.read(keys)).hasSize(150);
		assertThat(client.find(keys.get(0))).get().extracting(Channel::live).isEqualTo(true);
		assertThat(this.store.requests()).hasSize(4)
			.allSatisfy(request -> assertThat(request.rawQuery()).contains("stream_id=in."));
	}

	@Test
	void doesNotTryAgainAfterATimeoutSoACallHoldsItsThreadForOneTimeoutOnly() {
		ChannelStore impatient = client(
				settings(FakePostgrest.SERVICE_KEY, "channels_channel", defaultColumns(), Duration.ofMillis(200)));
		this.store.hang();

		assertThatExceptionOfType(DirectoryUnavailableException.class)
			.isThrownBy(() -> impatient.find(StreamKey.of("k1")));
		assertThat(this.store.requestCount()).isEqualTo(1);
	}

	@Test
	void triesATransientFailureOnlyOnceWhenTheSettingsAllowNoRetry() {
		ChannelStore client = client(new SupabaseSettings(
				settings(FakePostgrest.SERVICE_KEY, "channels_channel", defaultColumns()).url(),
				FakePostgrest.SERVICE_KEY, "channels_channel", defaultColumns(), Duration.ofSeconds(10), 0,
				Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMinutes(5), Duration.ofSeconds(30), 1000));
		this.store.failWith(503, "{\"message\":\"Service Unavailable\"}");

		assertThatExceptionOfType(DirectoryUnavailableException.class).isThrownBy(() -> client.live());
		assertThat(this.store.requestCount()).isEqualTo(1);
	}

	@Test
	void answersNoBulkWriteWithoutAskingWhenTheTableIsNotTheOriginalDesignsAndSaysSoOnce() {
		ChannelStore client = client(settings(FakePostgrest.SERVICE_KEY, "channels_channel",
				new SupabaseSettings.Columns("id", "stream_id", "is_on_live", "last_status", "thumbnail", "modified")));
		List<LiveStateChange> batch = List
			.of(new LiveStateChange(UUID.randomUUID(), StreamKey.of("k1"), LiveState.ONLINE, this.t0));

		try (CapturedLogs logs = CapturedLogs.of(SupabaseChannelStore.class)) {
			assertThat(client.applyAll(batch)).isEmpty();
			assertThat(client.applyAll(batch)).isEmpty();

			assertThat(logs.lines()).singleElement()
				.asString()
				.startsWith("INFO Writing live states row by row")
				.contains("SUPABASE_COLUMNS");
		}
		assertThat(this.store.requestCount()).isZero();
	}

}
