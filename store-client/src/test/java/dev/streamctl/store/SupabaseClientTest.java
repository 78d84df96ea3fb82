package dev.streamctl.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.test.postgrest.RecordedRequest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What both Supabase clients do against a server that answers as PostgREST does: the
 * gateway's reactive one (through {@link BlockingDirectory}) and the workers' blocking
 * one.
 */
abstract class SupabaseClientTest {

	final FakePostgrest store = new FakePostgrest();

	final Instant t0 = Instant.parse("2026-11-24T10:15:30.123456Z");

	/** The client under test in its blocking view. */
	abstract ChannelStore client(SupabaseSettings settings);

	/** How many requests a transient failure that comes at once costs in all. */
	abstract int triesOfAQuickTransientFailure();

	@AfterEach
	void close() {
		this.store.close();
	}

	@Test
	void findsAChannelByKeySendingTheKeyInBothHeadersAndCachesTheAnswer() {
		UUID id = this.store.addChannel("a+b=c~1");
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);

		Channel found = client.find(StreamKey.of("a+b=c~1")).orElseThrow();
		client.find(StreamKey.of("a+b=c~1"));

		assertThat(found.id()).isEqualTo(id);
		assertThat(found.live()).isFalse();
		assertThat(this.store.requests()).hasSize(1).first().satisfies(request -> {
			assertThat(request.headers()).containsEntry("apikey", FakePostgrest.SERVICE_KEY)
				.containsEntry("authorization", "Bearer " + FakePostgrest.SERVICE_KEY);
			assertThat(request.rawQuery()).contains("stream_id=eq.a%2Bb%3Dc~1");
		});
	}

	@Test
	void remembersThatAKeyHasNoChannel() {
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);

		assertThat(client.find(StreamKey.of("nobody"))).isEmpty();
		assertThat(client.find(StreamKey.of("nobody"))).isEmpty();
		assertThat(this.store.requestCount()).isEqualTo(1);
	}

	@Test
	void looksUpManyKeysInOneRequestEvenWithPostgrestsReservedCharactersAndCachesEveryAnswer() {
		List<String> keys = List.of("a+b", "c,d", "e(f)", "g.h:i", "quo\"te");
		Map<String, UUID> ids = new LinkedHashMap<>();
		keys.forEach(key -> ids.put(key, this.store.addChannel(key)));
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);
		List<StreamKey> asked = new ArrayList<>(keys.stream().map(StreamKey::of).toList());
		asked.add(StreamKey.of("nobody"));

		Map<StreamKey, Optional<Channel>> found = client.findAll(asked);

		assertThat(found).hasSize(keys.size() + 1).containsEntry(StreamKey.of("nobody"), Optional.empty());
		keys.forEach(
				key -> assertThat(found.get(StreamKey.of(key))).get().extracting(Channel::id).isEqualTo(ids.get(key)));
		assertThat(this.store.requests()).hasSize(1)
			.first()
			.satisfies(request -> assertThat(request.rawQuery()).contains("stream_id=in.%28%22a%2Bb%22%2C%22c%2Cd%22"));
		asked.forEach(key -> client.find(key));
		client.findAll(asked);
		assertThat(this.store.requestCount()).isEqualTo(1);
	}

	@Test
	void splitsALargeLookupIntoChunksAndAsksOnlyForKeysItDoesNotKnow() {
		List<StreamKey> keys = IntStream.range(0, 250).mapToObj(i -> StreamKey.of("key-" + i)).toList();
		keys.forEach(key -> this.store.addChannel(key.value()));
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);
		client.find(keys.get(0));

		Map<StreamKey, Optional<Channel>> found = client.findAll(keys);

		assertThat(found.values()).hasSize(250).allMatch(Optional::isPresent);
		assertThat(this.store.requests()).hasSize(1 + 3);
		assertThat(this.store.requests().subList(1, 4))
			.allSatisfy(request -> assertThat(request.rawQuery()).contains("in.").doesNotContain("%22key-0%22"));
		List<StreamKey> long255 = IntStream.range(0, 30).mapToObj(i -> StreamKey.of(i + "x".repeat(250))).toList();
		assertThat(ChannelTable.chunks(long255)).hasSize(2)
			.first()
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.hasSize(23);
	}

	@Test
	void writesLiveStateConditionallySoTheLatestWriteWins() {
		UUID id = this.store.addChannel("k1");
		ChannelStore client = client(FakePostgrest.SERVICE_KEY);
		Channel channel = client.find(StreamKey.of("k1")).orElseThrow();

		assertThat(client.write(channel, LiveState.ONLINE, this.t0)).isEqualTo(WriteResult.APPLIED);
		assertThat(this.store.row(id)).containsEntry("is_on_live", true)
			.containsEntry("last_status", "online")
			.containsEntry("cover", channel.cover())
			.containsEntry("modified", this.t0);
		assertThat(client.write(channel, LiveState.ONLINE, this.t0)).isEqualTo(WriteResult.DUPLICATE);
		assertThat(client.write(channel, LiveState.OFFLINE, this.t0.minusSeconds(1))).isEqualTo(WriteResult.STALE);
		assertThat(client.write(channel, LiveState.OFFLINE, this.t0.plusSeconds(1))).isEqualTo(WriteResult.APPLIED);
		assertThat(this.store.row(id)).containsEntry("is_on_live", false)
			.containsEntry("last_status", "offline")
			.containsEntry("cover", channel.cover());
		RecordedRequest patch = this.store.requests()
			.stream()
			.filter(r -> r.method().equals("PATCH"))
			.findFirst()
			.orElseThrow();
		assertThat(patch.rawQuery()).contains("or=(modified.is.null,modified.lt.2026-11-24T10%3A15%3A30.123456Z)");
	}

	@Test
	void answersGoneForAChannelDeletedMeanwhile() {
		Channel deleted = new Channel(UUID.randomUUID(), StreamKey.of("k2"), false, null);

		assertThat(client(FakePostgrest.SERVICE_KEY).write(deleted, LiveState.ONLINE, this.t0))
			.isEqualTo(WriteResult.GONE);
	}

	@Test
	void saysSoWhenRowLevelSecurityHidesTheWritesOfAnAnonKey() {
		this.store.addChannel("k3");
		this.store.rlsHidesWrites(true);
		ChannelStore client = client(FakePostgrest.ANON_KEY);
		Channel channel = client.find(StreamKey.of("k3")).orElseThrow();

		assertThatExceptionOfType(DirectoryRejectedException.class)
			.isThrownBy(() -> client.write(channel, LiveState.ONLINE, this.t0))
			.withMessageContaining("row-level security")
			.withMessageContaining("service_role");
	}

	@Test
	void listsLiveChannels() {
		this.store.addChannel("live1", true, this.t0);
		this.store.addChannel("off1", false, this.t0);

		assertThat(client(FakePostgrest.SERVICE_KEY).live()).extracting(c -> c.streamKey().value())
			.containsExactly("live1");
	}

	@Test
	void reportsA503AsTransientAfterTheTriesItMakes() {
		this.store.failWith(503,
				"{\"code\":\"PGRST001\",\"details\":null,\"hint\":null,\"message\":\"Database client error\"}");

		assertThatExceptionOfType(DirectoryUnavailableException.class)
			.isThrownBy(() -> client(FakePostgrest.SERVICE_KEY).find(StreamKey.of("k4")))
			.withMessageContaining("HTTP 503 PGRST001");
		assertThat(this.store.requestCount()).isEqualTo(triesOfAQuickTransientFailure());
	}

	@Test
	void refusesAWrongKeyAtOnceNamingTheFix() {
		assertThatExceptionOfType(DirectoryRejectedException.class)
			.isThrownBy(() -> client("wrong-key").find(StreamKey.of("k6")))
			.withMessageContaining("SUPABASE_KEY")
			.satisfies(ex -> assertThat(ex.status()).isEqualTo(401));
		assertThat(this.store.requestCount()).isEqualTo(1);
	}

	@Test
	void namesTheSettingForAMissingTableOrColumn() {
		SupabaseSettings wrongTable = settings(FakePostgrest.SERVICE_KEY, "channels", defaultColumns());
		SupabaseSettings wrongColumn = settings(FakePostgrest.SERVICE_KEY, "channels_channel",
				new SupabaseSettings.Columns("id", "stream_key", "is_on_live", "last_status", "cover", "modified"));

		assertThatExceptionOfType(DirectoryRejectedException.class)
			.isThrownBy(() -> client(wrongTable).find(StreamKey.of("k")))
			.withMessageContaining("SUPABASE_TABLE");
		assertThatExceptionOfType(DirectoryRejectedException.class)
			.isThrownBy(() -> client(wrongColumn).find(StreamKey.of("k")))
			.withMessageContaining("SUPABASE_COLUMNS");
	}

	@Test
	void timesOutOnASilentStoreAndOnADroppedConnection() {
		ChannelStore impatient = client(
				settings(FakePostgrest.SERVICE_KEY, "channels_channel", defaultColumns(), Duration.ofMillis(200)));
		this.store.hang();
		assertThatExceptionOfType(DirectoryUnavailableException.class)
			.isThrownBy(() -> impatient.find(StreamKey.of("k7")))
			.withMessageContaining("no answer within PT0.2S");
		this.store.clearFaults();

		this.store.dropConnections();
		assertThatExceptionOfType(DirectoryUnavailableException.class)
			.isThrownBy(() -> client(FakePostgrest.SERVICE_KEY).find(StreamKey.of("k8")));
	}

	@Test
	void keepsTheKeyOutOfItsSettingsText() {
		assertThat(settings("sb_secret_abcdefgh", "channels_channel", defaultColumns()).toString())
			.doesNotContain("sb_secret_abcdefgh");
	}

	ChannelStore client(String key) {
		return client(settings(key, "channels_channel", defaultColumns()));
	}

	static SupabaseSettings.Columns defaultColumns() {
		return SupabaseSettings.Columns.ORIGINAL;
	}

	SupabaseSettings settings(String key, String table, SupabaseSettings.Columns columns) {
		return settings(key, table, columns, Duration.ofSeconds(10));
	}

	SupabaseSettings settings(String key, String table, SupabaseSettings.Columns columns, Duration timeout) {
		return settings(key, table, columns, timeout, 2);
	}

	/** The original table's settings, with a timeout and a number of retries. */
	SupabaseSettings settings(String key, Duration timeout, int retries) {
		return settings(key, SupabaseSettings.DEFAULT_TABLE, defaultColumns(), timeout, retries);
	}

	private SupabaseSettings settings(String key, String table, SupabaseSettings.Columns columns, Duration timeout,
			int retries) {
		return new SupabaseSettings(URI.create(this.store.url()), key, table, columns, timeout, retries,
				Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMinutes(5), Duration.ofSeconds(30), 1000);
	}

}
