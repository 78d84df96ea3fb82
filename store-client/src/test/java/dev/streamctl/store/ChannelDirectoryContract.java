package dev.streamctl.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.store.test.InMemoryChannelDirectory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ChannelDirectory} and {@link ChannelStore} does, proven of the
 * Supabase clients against the PostgREST fake and of the in-memory stand-ins the
 * services' unit tests use, so that the stand-ins cannot drift from the real ones. A
 * reactive directory is held to it through {@link BlockingDirectory}; what only a
 * {@link ChannelStore} does is in {@link ChannelStoreContract}.
 */
abstract class ChannelDirectoryContract {

	final Instant t0 = Instant.parse("2026-11-24T10:15:30.123456Z");

	/** The client under test, over {@link #rows()}, in its blocking view. */
	abstract ChannelStore store();

	/** The rows under the client, as the test sets and inspects them. */
	abstract Rows rows();

	UUID add(String key, boolean live, @Nullable Instant modified) {
		return rows().add(key, live, modified);
	}

	boolean storedLive(UUID id) {
		return rows().live(id);
	}

	@Nullable Instant storedModified(UUID id) {
		return rows().modified(id);
	}

	@Nullable String storedCover(UUID id) {
		return rows().cover(id);
	}

	@Test
	void findsAChannelByItsKeyAndNothingForAnUnknownKey() {
		UUID id = add("known", true, this.t0);

		Optional<Channel> known = store().find(StreamKey.of("known"));
		Optional<Channel> unknown = store().find(StreamKey.of("unknown"));

		assertThat(known).contains(new Channel(id, StreamKey.of("known"), true, this.t0));
		assertThat(unknown).isEmpty();
	}

	@Test
	void findsSeveralKeysAtOnceWithEveryKeyInTheAnswer() {
		UUID id = add("known", false, null);

		Map<StreamKey, Optional<Channel>> found = store()
			.findAll(List.of(StreamKey.of("known"), StreamKey.of("unknown")));

		assertThat(found).containsOnlyKeys(StreamKey.of("known"), StreamKey.of("unknown"))
			.containsEntry(StreamKey.of("unknown"), Optional.empty());
		assertThat(found.get(StreamKey.of("known"))).map(Channel::id).contains(id);
	}

	@Test
	void listsTheLiveChannelsAndAllChannels() {
		UUID live = add("live", true, this.t0);
		UUID offline = add("offline", false, null);

		assertThat(store().live()).extracting(Channel::id).containsExactly(live);
		assertThat(store().all()).extracting(Channel::id).containsExactlyInAnyOrder(live, offline);
	}

	@Test
	void appliesAWriteToARowThatNeverChangedAndSetsTheCoverGoingOnline() {
		UUID id = add("k1", false, null);
		Channel channel = store().find(StreamKey.of("k1")).orElseThrow();

		WriteResult result = store().write(channel, LiveState.ONLINE, this.t0);

		assertThat(result).isEqualTo(WriteResult.APPLIED);
		assertThat(storedLive(id)).isTrue();
		assertThat(storedModified(id)).isEqualTo(this.t0);
		assertThat(storedCover(id)).isEqualTo(channel.cover());
	}

	@Test
	void appliesANewerWriteAndKeepsTheCoverGoingOffline() {
		UUID id = add("k1", false, null);
		Channel channel = store().find(StreamKey.of("k1")).orElseThrow();
		store().write(channel, LiveState.ONLINE, this.t0);

		WriteResult result = store().write(channel, LiveState.OFFLINE, this.t0.plusSeconds(5));

		assertThat(result).isEqualTo(WriteResult.APPLIED);
		assertThat(storedLive(id)).isFalse();
		assertThat(storedModified(id)).isEqualTo(this.t0.plusSeconds(5));
		assertThat(storedCover(id)).isEqualTo(channel.cover());
	}

	@Test
	void changesNothingForAWriteOfTheStoredTimeToTheMicrosecondAndSaysDuplicate() {
		UUID id = add("k1", true, this.t0);
		Channel channel = store().find(StreamKey.of("k1")).orElseThrow();

		WriteResult result = store().write(channel, LiveState.OFFLINE, this.t0.plusNanos(999));

		assertThat(result).isEqualTo(WriteResult.DUPLICATE);
		assertThat(storedLive(id)).isTrue();
	}

	@Test
	void changesNothingForAnOlderWriteAndSaysStale() {
		UUID id = add("k1", true, this.t0);
		Channel channel = store().find(StreamKey.of("k1")).orElseThrow();

		WriteResult result = store().write(channel, LiveState.OFFLINE, this.t0.minusMillis(1));

		assertThat(result).isEqualTo(WriteResult.STALE);
		assertThat(storedLive(id)).isTrue();
		assertThat(storedModified(id)).isEqualTo(this.t0);
	}

	/** The rows of the channel table under a client. */
	interface Rows {

		UUID add(String key, boolean live, @Nullable Instant modified);

		boolean live(UUID id);

		@Nullable Instant modified(UUID id);

		@Nullable String cover(UUID id);

	}

	/** The rows of the in-memory stand-ins. */
	record InMemoryRows(InMemoryChannelDirectory directory) implements Rows {

		@Override
		public UUID add(String key, boolean live, @Nullable Instant modified) {
			return this.directory.add(key, live, modified).id();
		}

		@Override
		public boolean live(UUID id) {
			return this.directory.channel(id).live();
		}

		@Override
		public @Nullable Instant modified(UUID id) {
			return this.directory.channel(id).modified();
		}

		@Override
		public @Nullable String cover(UUID id) {
			return this.directory.cover(id);
		}

	}

	/** The rows of the PostgREST fake. */
	record FakeRows(FakePostgrest store) implements Rows {

		@Override
		public UUID add(String key, boolean live, @Nullable Instant modified) {
			return this.store.addChannel(key, live, modified);
		}

		@Override
		public boolean live(UUID id) {
			return (Boolean) this.store.row(id).get("is_on_live");
		}

		@Override
		public @Nullable Instant modified(UUID id) {
			return (Instant) this.store.row(id).get("modified");
		}

		@Override
		public @Nullable String cover(UUID id) {
			return (String) this.store.row(id).get("cover");
		}

	}

}
