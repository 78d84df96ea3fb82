package dev.streamctl.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.store.AppliedChange.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ChannelStore} does beyond the {@link ChannelDirectoryContract}: fresh
 * reads and the bulk write of {@code apply_stream_events}.
 */
abstract class ChannelStoreContract extends ChannelDirectoryContract {

	/** The store no longer has the {@code apply_stream_events} function. */
	abstract void dropApplyFunction();

	@Test
	void readsRowsAsStoredNowWithEveryKeyInTheAnswer() {
		UUID id = add("k1", false, null);
		Channel before = store().find(StreamKey.of("k1")).orElseThrow();
		store().write(before, LiveState.ONLINE, this.t0);

		Map<StreamKey, Optional<Channel>> read = store().read(List.of(StreamKey.of("k1"), StreamKey.of("unknown")));

		assertThat(read).containsOnlyKeys(StreamKey.of("k1"), StreamKey.of("unknown"))
			.containsEntry(StreamKey.of("k1"), Optional.of(new Channel(id, StreamKey.of("k1"), true, this.t0)))
			.containsEntry(StreamKey.of("unknown"), Optional.empty());
	}

	@Test
	void appliesTheLatestChangeOfEachChannelOfABatchAndSaysWhatBecameOfEveryChange() {
		UUID reconnected = add("reconnected", false, null);
		UUID newer = add("newer", true, this.t0);
		UUID same = add("same", true, this.t0);
		UUID published = add("published", false, null);
		List<LiveStateChange> batch = List.of(change("reconnected", LiveState.ONLINE, 0),
				change("reconnected", LiveState.OFFLINE, 1_000_000_000), change("newer", LiveState.OFFLINE, -1_000_000),
				change("same", LiveState.OFFLINE, 999), change("published", LiveState.ONLINE, 0),
				change("nobody", LiveState.ONLINE, 0));

		List<AppliedChange> results = store().applyAll(batch).orElseThrow();

		assertThat(results).containsExactlyInAnyOrder(applied(batch.get(0), Result.SUPERSEDED, reconnected),
				applied(batch.get(1), Result.APPLIED, reconnected), applied(batch.get(2), Result.STALE, newer),
				applied(batch.get(3), Result.DUPLICATE, same), applied(batch.get(4), Result.APPLIED, published),
				new AppliedChange(batch.get(5).eventId(), Result.UNKNOWN_KEY, null));
		assertThat(storedLive(reconnected)).isFalse();
		assertThat(storedModified(reconnected)).isEqualTo(this.t0.plusSeconds(1));
		assertThat(storedLive(newer)).isTrue();
		assertThat(storedLive(same)).isTrue();
		assertThat(storedLive(published)).isTrue();
		assertThat(storedModified(published)).isEqualTo(this.t0);
		assertThat(storedCover(published)).isEqualTo(store().find(StreamKey.of("published")).orElseThrow().cover());
	}

	@Test
	void changesNothingWhenABatchIsAppliedAgain() {
		UUID id = add("k1", false, null);
		List<LiveStateChange> batch = List.of(change("k1", LiveState.ONLINE, 0), change("k1", LiveState.OFFLINE, -5));
		store().applyAll(batch);

		List<AppliedChange> again = store().applyAll(batch).orElseThrow();

		assertThat(again).containsExactlyInAnyOrder(applied(batch.get(0), Result.DUPLICATE, id),
				applied(batch.get(1), Result.STALE, id));
		assertThat(storedLive(id)).isTrue();
		assertThat(storedModified(id)).isEqualTo(this.t0);
	}

	@Test
	void appliesTheFirstOfTwoChangesOfTheSameTimeAndCallsTheOtherADuplicate() {
		UUID id = add("k1", false, null);
		List<LiveStateChange> batch = List.of(change("k1", LiveState.ONLINE, 0), change("k1", LiveState.OFFLINE, 0));

		List<AppliedChange> results = store().applyAll(batch).orElseThrow();

		assertThat(results).containsExactlyInAnyOrder(applied(batch.get(0), Result.APPLIED, id),
				applied(batch.get(1), Result.DUPLICATE, id));
		assertThat(storedLive(id)).isTrue();
	}

	@Test
	void comparesEveryChangeWithTheRowBeforeTheBatchFirst() {
		UUID id = add("k1", true, this.t0);
		List<LiveStateChange> batch = List.of(change("k1", LiveState.OFFLINE, 2_000_000_000),
				change("k1", LiveState.ONLINE, 1_000_000_000), change("k1", LiveState.ONLINE, 0),
				change("k1", LiveState.ONLINE, -1_000_000_000));

		List<AppliedChange> results = store().applyAll(batch).orElseThrow();

		assertThat(results).containsExactlyInAnyOrder(applied(batch.get(0), Result.APPLIED, id),
				applied(batch.get(1), Result.SUPERSEDED, id), applied(batch.get(2), Result.DUPLICATE, id),
				applied(batch.get(3), Result.STALE, id));
		assertThat(storedLive(id)).isFalse();
		assertThat(storedModified(id)).isEqualTo(this.t0.plusSeconds(2));
	}

	@Test
	void answersEmptyAndChangesNothingWithoutTheFunction() {
		UUID id = add("k1", false, null);
		dropApplyFunction();

		assertThat(store().applyAll(List.of(change("k1", LiveState.ONLINE, 0)))).isEmpty();
		assertThat(storedLive(id)).isFalse();
	}

	@Test
	void answersNoResultsForAnEmptyBatch() {
		assertThat(store().applyAll(List.of())).contains(List.of());
	}

	private LiveStateChange change(String key, LiveState state, long nanosAfterT0) {
		return new LiveStateChange(UUID.randomUUID(), StreamKey.of(key), state, this.t0.plusNanos(nanosAfterT0));
	}

	private static AppliedChange applied(LiveStateChange change, Result result, UUID channel) {
		return new AppliedChange(change.eventId(), result, channel);
	}

}
