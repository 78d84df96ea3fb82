package dev.streamctl.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.streamctl.common.event.StreamKey;

/**
 * The channels of the platform as the store knows them, for code that blocks anyway (the
 * workers' listeners and schedulers). Every failure is a {@link DirectoryException}:
 * transient ones after the implementation's own retries, permanent ones at once. No
 * failure is ever turned into an empty answer. The gateway, which must not block, uses
 * {@link ChannelDirectory}.
 */
public interface ChannelStore {

	/**
	 * The channel whose stream key this is, or empty when there is none. Answers may come
	 * from a cache.
	 */
	Optional<Channel> find(StreamKey key);

	/**
	 * The channels of several keys at once, every key in the answer (empty for no
	 * channel). Answers may come from a cache.
	 */
	Map<StreamKey, Optional<Channel>> findAll(Collection<StreamKey> keys);

	/**
	 * The channels of several keys as the store holds them now (never cached), every key
	 * in the answer (empty for no channel), in a few requests however many keys there
	 * are.
	 */
	Map<StreamKey, Optional<Channel>> read(Collection<StreamKey> keys);

	/** Every channel the store shows live now (never cached). */
	List<Channel> live();

	/** Every channel (never cached); used to warm the lookup cache. */
	List<Channel> all();

	/**
	 * Writes a channel's live state as of {@code at}, unless the row already holds a
	 * state at least that recent: the latest write wins whatever order writes arrive in,
	 * and repeating one changes nothing. Going online also sets the cover to
	 * {@link Channel#cover()}; going offline keeps it.
	 */
	WriteResult write(Channel channel, LiveState state, Instant at);

	/**
	 * Applies a batch of live-state changes in one request, with the store's
	 * {@code apply_stream_events} function: per channel the newest change wins, a change
	 * older than the row's modified time never overwrites it, and a repeated batch
	 * changes nothing. Answers one result per change, in no particular order; empty when
	 * the store has no such function (the migration was not applied), in which case the
	 * caller writes row by row with {@link #write}.
	 */
	Optional<List<AppliedChange>> applyAll(List<LiveStateChange> changes);

	/** Forgets what a lookup cache knows of a key, so the next {@link #find} asks. */
	default void forget(StreamKey key) {
	}

}
