package dev.streamctl.store.test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.function.Supplier;

import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.store.DirectoryException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.WriteResult;
import dev.streamctl.common.event.StreamKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link ChannelDirectory} in memory, with the contract of the Supabase one: a write
 * applies only when the row holds no state at least as recent (times kept to the
 * microsecond, as the column does), and otherwise says why nothing changed
 * ({@code STALE}, {@code DUPLICATE}, {@code GONE}); going online sets the cover, going
 * offline keeps it. Lookups answer the current rows (no cache). Failures are injected per
 * kind of call and answered as the real client answers them after its retries: as the
 * {@link DirectoryException} given. Every call is evaluated when it is subscribed to,
 * like a remote call. {@link #store()} is the blocking view of the same rows, with the
 * same failures.
 */
public final class InMemoryChannelDirectory implements ChannelDirectory {

	/** The kinds of call a failure can be injected into. */
	public enum Call {

		/** {@link #find}, and {@link #findAll} (one find per key). */
		FIND,

		/** {@link #live} and {@link #all}. */
		LIST,

		/** {@link #write}. */
		WRITE,

		/** {@link InMemoryChannelStore#applyAll}. */
		APPLY

	}

	/** A write as it was asked for, with what it did. */
	public record Write(UUID channel, StreamKey key, LiveState state, Instant at, WriteResult result) {
	}

	private final Map<UUID, Row> rows = new LinkedHashMap<>();

	private final Map<StreamKey, Channel> removedButCached = new LinkedHashMap<>();

	private final Map<Call, Queue<DirectoryException>> failures = new EnumMap<>(Call.class);

	private final List<Write> writes = new ArrayList<>();

	private @Nullable DirectoryException failEvery;

	private boolean hanging;

	private int lookups;

	private @Nullable InMemoryChannelStore store;

	/**
	 * The blocking view of these rows, one per directory: what it writes shows here, and
	 * failures injected here fail its calls too.
	 */
	public synchronized InMemoryChannelStore store() {
		if (this.store == null) {
			this.store = new InMemoryChannelStore(this);
		}
		return this.store;
	}

	/** Adds an offline channel that never changed. */
	public synchronized Channel add(String key) {
		return add(key, false, null);
	}

	public synchronized Channel add(String key, boolean live, @Nullable Instant modified) {
		Row row = new Row(UUID.randomUUID(), StreamKey.of(key), live,
				(modified != null) ? modified.truncatedTo(ChronoUnit.MICROS) : null, null);
		this.rows.put(row.id, row);
		return row.channel();
	}

	/**
	 * Deletes a channel: lookups no longer find it, and a later write of it is
	 * {@code GONE}.
	 */
	public synchronized void remove(UUID id) {
		this.rows.remove(id);
	}

	/**
	 * Deletes a channel but keeps answering lookups of its key, as a lookup cache does
	 * until it learns of the deletion: a write of it is then {@code GONE}.
	 */
	public synchronized void removeBehindLookups(UUID id) {
		Row row = this.rows.remove(id);
		if (row != null) {
			this.removedButCached.put(row.key, row.channel());
		}
	}

	/** The channel as stored now. */
	public synchronized Channel channel(UUID id) {
		Row row = this.rows.get(id);
		if (row == null) {
			throw new IllegalArgumentException("no channel " + id);
		}
		return row.channel();
	}

	/** The cover file name stored for a channel, or null when it never went online. */
	public synchronized @Nullable String cover(UUID id) {
		Row row = this.rows.get(id);
		return (row != null) ? row.cover : null;
	}

	/** The next calls of one kind fail with these exceptions, one call each, in order. */
	public synchronized void failNext(Call call, DirectoryException... next) {
		this.failures.computeIfAbsent(call, ignored -> new ArrayDeque<>()).addAll(List.of(next));
	}

	/** Every call fails with this exception until {@link #recover()}. */
	public synchronized void failEvery(DirectoryException failure) {
		this.failEvery = failure;
	}

	/**
	 * No call answers until {@link #recover()} (a store that accepted the connection and
	 * went silent).
	 */
	public synchronized void hang() {
		this.hanging = true;
	}

	/** Ends {@link #failEvery} and {@link #hang}, and drops failures not used yet. */
	public synchronized void recover() {
		this.failEvery = null;
		this.hanging = false;
		this.failures.clear();
		notifyAll();
	}

	/** The writes asked for so far, in order. */
	public synchronized List<Write> writes() {
		return List.copyOf(this.writes);
	}

	/** How many lookups by key were made so far ({@link #findAll} makes one per key). */
	public synchronized int lookups() {
		return this.lookups;
	}

	@Override
	public Mono<Optional<Channel>> find(StreamKey key) {
		return call(Call.FIND, () -> lookup(key));
	}

	@Override
	public Mono<List<Channel>> live() {
		return call(Call.LIST, () -> channels(true));
	}

	@Override
	public Mono<List<Channel>> all() {
		return call(Call.LIST, () -> channels(false));
	}

	@Override
	public Mono<WriteResult> write(Channel channel, LiveState state, Instant at) {
		return call(Call.WRITE, () -> record(channel, state, at));
	}

	// the answers, shared with the blocking view; callers hold this directory's lock

	Optional<Channel> lookup(StreamKey key) {
		this.lookups++;
		Optional<Channel> found = this.rows.values()
			.stream()
			.filter(row -> row.key.equals(key))
			.findFirst()
			.map(Row::channel);
		return found.or(() -> Optional.ofNullable(this.removedButCached.get(key)));
	}

	Optional<Channel> stored(StreamKey key) {
		return this.rows.values().stream().filter(row -> row.key.equals(key)).findFirst().map(Row::channel);
	}

	List<Channel> channels(boolean liveOnly) {
		return this.rows.values().stream().filter(row -> row.live || !liveOnly).map(Row::channel).toList();
	}

	WriteResult record(Channel channel, LiveState state, Instant at) {
		Instant stamp = at.truncatedTo(ChronoUnit.MICROS);
		WriteResult result = apply(this.rows.get(channel.id()), channel, state, stamp);
		this.writes.add(new Write(channel.id(), channel.streamKey(), state, stamp, result));
		return result;
	}

	/** Applies a change to its channel's row, if it is newer than what the row holds. */
	WriteResult applyChange(Channel channel, LiveState state, Instant stamp) {
		return apply(this.rows.get(channel.id()), channel, state, stamp);
	}

	boolean hanging() {
		return this.hanging;
	}

	private static WriteResult apply(@Nullable Row row, Channel channel, LiveState state, Instant stamp) {
		if (row == null) {
			return WriteResult.GONE;
		}
		Instant stored = row.modified;
		if (stored != null && !stored.isBefore(stamp)) {
			return stored.equals(stamp) ? WriteResult.DUPLICATE : WriteResult.STALE;
		}
		row.live = state.live();
		row.modified = stamp;
		if (state == LiveState.ONLINE) {
			row.cover = channel.cover();
		}
		return WriteResult.APPLIED;
	}

	private <T> Mono<T> call(Call call, Supplier<T> answer) {
		return Mono.defer(() -> {
			synchronized (this) {
				if (this.hanging) {
					return Mono.never();
				}
				DirectoryException failure = next(call);
				return (failure != null) ? Mono.error(failure) : Mono.just(answer.get());
			}
		});
	}

	/** The failure the next call of a kind meets, or null when it answers. */
	@Nullable DirectoryException next(Call call) {
		Queue<DirectoryException> queued = this.failures.get(call);
		DirectoryException failure = (queued != null) ? queued.poll() : null;
		return (failure != null) ? failure : this.failEvery;
	}

	private static final class Row {

		private final UUID id;

		private final StreamKey key;

		private boolean live;

		private @Nullable Instant modified;

		private @Nullable String cover;

		private Row(UUID id, StreamKey key, boolean live, @Nullable Instant modified, @Nullable String cover) {
			this.id = id;
			this.key = key;
			this.live = live;
			this.modified = modified;
			this.cover = cover;
		}

		private Channel channel() {
			return new Channel(this.id, this.key, this.live, this.modified);
		}

	}

}
