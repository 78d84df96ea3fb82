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

	/** No retry: the workers retry through the broker. */
	@Override
	int triesOfAQuickTransientFailure() {
		return 1;
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
	void triesATransientFailureOnlyOnceWhateverTheSettings() {
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

	@Test
	void appliesABatchInOneRequestSendingEveryTimeToTheMicrosecond() {
		UUID id = this.store.addChannel("k1");
		UUID event = UUID.randomUUID();

		List<AppliedChange> results = client(FakePostgrest.SERVICE_KEY)
			.applyAll(List.of(new LiveStateChange(event, StreamKey.of("k1"), LiveState.ONLINE, this.t0.plusNanos(999))))
			.orElseThrow();

		assertThat(results).containsExactly(new AppliedChange(event, AppliedChange.Result.APPLIED, id));
		assertThat(this.store.requests()).singleElement().satisfies(request -> {
			assertThat(request.method()).isEqualTo("POST");
			assertThat(request.rawPath()).isEqualTo("/rest/v1/rpc/apply_stream_events");
			assertThat(request.body()).isEqualTo("{\"events\":[{\"event_id\":\"" + event
					+ "\",\"stream_key\":\"k1\",\"live\":true,\"at\":\"2026-11-24T10:15:30.123456Z\"}]}");
		});
	}

	@Test
	void withoutTheFunctionAnswersEmptySaysOnceWhichMigrationToApplyAndAsksAgainOnlyEveryFewMinutes() {
		UUID id = this.store.addChannel("k1");
		this.store.applyFunction(false);
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);
		List<LiveStateChange> batch = List
			.of(new LiveStateChange(UUID.randomUUID(), StreamKey.of("k1"), LiveState.ONLINE, this.t0));

		try (CapturedLogs logs = CapturedLogs.of(SupabaseChannelStore.class)) {
			assertThat(client.applyAll(batch)).isEmpty();
			assertThat(client.applyAll(batch)).isEmpty();
			assertThat(this.store.requestCount()).isEqualTo(1);
			this.clock.advance(StreamEventsFunction.RECHECK_AFTER);
			assertThat(client.applyAll(batch)).isEmpty();
			assertThat(this.store.requestCount()).isEqualTo(2);

			this.store.applyFunction(true);
			this.clock.advance(StreamEventsFunction.RECHECK_AFTER);
			assertThat(client.applyAll(batch)).hasValueSatisfying(results -> assertThat(results).singleElement()
				.extracting(AppliedChange::result)
				.isEqualTo(AppliedChange.Result.APPLIED));

			assertThat(logs.lines()).filteredOn(line -> line.startsWith("WARN"))
				.singleElement()
				.asString()
				.contains("apply_stream_events", "supabase/migrations/20261130000000_apply_stream_events.sql",
						"reload schema");
			assertThat(logs.lines()).anyMatch(line -> line.startsWith("INFO") && line.contains("exists now"));
		}
		assertThat(this.store.row(id)).containsEntry("is_on_live", true);
	}

	@Test
	void classifiesTheFunctionsOtherFailuresAsEveryRequestsWithoutTheirStreamKeys() {
		List<LiveStateChange> batch = List
			.of(new LiveStateChange(UUID.randomUUID(), StreamKey.of("secret-stream-key"), LiveState.ONLINE, this.t0));

		assertThatExceptionOfType(DirectoryRejectedException.class)
			.isThrownBy(() -> client(FakePostgrest.ANON_KEY).applyAll(batch))
			.withMessageContaining("SUPABASE_KEY")
			.withMessageNotContaining("secret-stream-key")
			.satisfies(ex -> assertThat(ex.code()).isEqualTo("42501"));
		this.store.failWith(503, "{\"code\":\"PGRST001\",\"message\":\"Database client error\"}");
		assertThatExceptionOfType(DirectoryUnavailableException.class)
			.isThrownBy(() -> client(FakePostgrest.SERVICE_KEY).applyAll(batch))
			.withMessageContaining("HTTP 503");
	}

}
