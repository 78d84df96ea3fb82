package dev.streamctl.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.streamctl.common.event.StreamKey;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ChannelDirectory} does, proven of the Supabase client against the
 * PostgREST fake and of the in-memory stand-in the services' unit tests use, so that the
 * stand-in cannot drift from the real one.
 */
abstract class ChannelDirectoryContract {

	private final Instant t0 = Instant.parse("2026-11-24T10:15:30.123456Z");

	/** The directory under test, over the rows {@link #add} made. */
	abstract ChannelDirectory directory();

	abstract UUID add(String key, boolean live, @Nullable Instant modified);

	abstract boolean storedLive(UUID id);

	abstract @Nullable Instant storedModified(UUID id);

	abstract @Nullable String storedCover(UUID id);

	@Test
	void findsAChannelByItsKeyAndNothingForAnUnknownKey() {
		UUID id = add("known", true, this.t0);

		Optional<Channel> known = directory().find(StreamKey.of("known")).block();
		Optional<Channel> unknown = directory().find(StreamKey.of("unknown")).block();

		assertThat(known).contains(new Channel(id, StreamKey.of("known"), true, this.t0));
		assertThat(unknown).isEmpty();
	}

	@Test
	void findsSeveralKeysAtOnceWithEveryKeyInTheAnswer() {
		UUID id = add("known", false, null);

		Map<StreamKey, Optional<Channel>> found = directory()
			.findAll(List.of(StreamKey.of("known"), StreamKey.of("unknown")))
			.block();

		assertThat(found).containsOnlyKeys(StreamKey.of("known"), StreamKey.of("unknown"))
			.containsEntry(StreamKey.of("unknown"), Optional.empty());
		assertThat(found.get(StreamKey.of("known"))).map(Channel::id).contains(id);
	}

	@Test
	void listsTheLiveChannelsAndAllChannels() {
		UUID live = add("live", true, this.t0);
		UUID offline = add("offline", false, null);

		assertThat(directory().live().block()).extracting(Channel::id).containsExactly(live);
		assertThat(directory().all().block()).extracting(Channel::id).containsExactlyInAnyOrder(live, offline);
	}

	@Test
	void appliesAWriteToARowThatNeverChangedAndSetsTheCoverGoingOnline() {
		UUID id = add("k1", false, null);
		Channel channel = directory().find(StreamKey.of("k1")).block().orElseThrow();

		WriteResult result = directory().write(channel, LiveState.ONLINE, this.t0).block();

		assertThat(result).isEqualTo(WriteResult.APPLIED);
		assertThat(storedLive(id)).isTrue();
		assertThat(storedModified(id)).isEqualTo(this.t0);
		assertThat(storedCover(id)).isEqualTo(channel.cover());
	}

	@Test
	void appliesANewerWriteAndKeepsTheCoverGoingOffline() {
		UUID id = add("k1", false, null);
		Channel channel = directory().find(StreamKey.of("k1")).block().orElseThrow();
		directory().write(channel, LiveState.ONLINE, this.t0).block();

		WriteResult result = directory().write(channel, LiveState.OFFLINE, this.t0.plusSeconds(5)).block();

		assertThat(result).isEqualTo(WriteResult.APPLIED);
		assertThat(storedLive(id)).isFalse();
		assertThat(storedModified(id)).isEqualTo(this.t0.plusSeconds(5));
		assertThat(storedCover(id)).isEqualTo(channel.cover());
	}

	@Test
	void changesNothingForAWriteOfTheStoredTimeToTheMicrosecondAndSaysDuplicate() {
		UUID id = add("k1", true, this.t0);
		Channel channel = directory().find(StreamKey.of("k1")).block().orElseThrow();

		WriteResult result = directory().write(channel, LiveState.OFFLINE, this.t0.plusNanos(999)).block();

		assertThat(result).isEqualTo(WriteResult.DUPLICATE);
		assertThat(storedLive(id)).isTrue();
	}

	@Test
	void changesNothingForAnOlderWriteAndSaysStale() {
		UUID id = add("k1", true, this.t0);
		Channel channel = directory().find(StreamKey.of("k1")).block().orElseThrow();

		WriteResult result = directory().write(channel, LiveState.OFFLINE, this.t0.minusMillis(1)).block();

		assertThat(result).isEqualTo(WriteResult.STALE);
		assertThat(storedLive(id)).isTrue();
		assertThat(storedModified(id)).isEqualTo(this.t0);
	}

}
