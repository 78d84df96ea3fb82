package dev.streamctl.store.test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.store.AppliedChange;
import dev.streamctl.store.AppliedChange.Result;
import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelStore;
import dev.streamctl.store.DirectoryException;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.LiveStateChange;
import dev.streamctl.store.WriteResult;
import dev.streamctl.store.test.InMemoryChannelDirectory.Call;
import dev.streamctl.store.test.InMemoryChannelDirectory.Write;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ChannelStore} in memory over the rows of an {@link InMemoryChannelDirectory},
 * so a test can use the reactive and the blocking view of the same rows. Lookups, reads
 * and writes answer as the directory does (no cache; writes show in
 * {@link InMemoryChannelDirectory#writes()}); {@link #applyAll} does what the store's
 * {@code apply_stream_events} function does, or answers empty once
 * {@link #applyFunction(boolean) the function is gone}. Failures injected into the
 * directory fail this view's calls too: {@link Call#FIND} for {@link #find},
 * {@link #findAll} and {@link #read}, {@link Call#LIST} for {@link #live} and
 * {@link #all}, {@link Call#WRITE} for {@link #write} and {@link Call#APPLY} for
 * {@link #applyAll}; while the directory {@link InMemoryChannelDirectory#hang() hangs},
 * calls wait until it recovers (or their thread is interrupted).
 */
public final class InMemoryChannelStore implements ChannelStore {

	/** A batch {@link #applyAll} applied, with what it answered. */
	public record Batch(List<LiveStateChange> changes, List<AppliedChange> results) {
	}

	private final InMemoryChannelDirectory directory;

	private final List<Batch> batches = new ArrayList<>();

	private boolean applyFunction = true;

	private int reads;

	/** A store over rows of its own. */
	public InMemoryChannelStore() {
		this(new InMemoryChannelDirectory());
	}

	/**
	 * A store over the directory's rows; {@link InMemoryChannelDirectory#store()} gives
	 * the directory's own.
	 */
	public InMemoryChannelStore(InMemoryChannelDirectory directory) {
		this.directory = directory;
	}

	/** The reactive view of the same rows; rows are added and inspected there. */
	public InMemoryChannelDirectory directory() {
		return this.directory;
	}

	/** Adds an offline channel that never changed. */
	public Channel add(String key) {
		return this.directory.add(key);
	}

	public Channel add(String key, boolean live, @Nullable Instant modified) {
		return this.directory.add(key, live, modified);
	}

	/** The channel as stored now. */
	public Channel channel(UUID id) {
		return this.directory.channel(id);
	}

	/** The cover file name stored for a channel, or null when it never went online. */
	public @Nullable String cover(UUID id) {
		return this.directory.cover(id);
	}

	/** The per-row writes asked for so far, in order, by this view and the directory. */
	public List<Write> writes() {
		return this.directory.writes();
	}

	/** See {@link InMemoryChannelDirectory#failNext}. */
	public void failNext(Call call, DirectoryException... next) {
		this.directory.failNext(call, next);
	}

	/** See {@link InMemoryChannelDirectory#failEvery}. */
	public void failEvery(DirectoryException failure) {
		this.directory.failEvery(failure);
	}

	/** See {@link InMemoryChannelDirectory#hang}. */
	public void hang() {
		this.directory.hang();
	}

	/** See {@link InMemoryChannelDirectory#recover}. */
	public void recover() {
		this.directory.recover();
	}

	/**
	 * Whether the store has the {@code apply_stream_events} function (it has at first):
	 * without it {@link #applyAll} answers empty and changes nothing.
	 */
	public void applyFunction(boolean exists) {
		synchronized (this.directory) {
			this.applyFunction = exists;
		}
	}

	/** The batches {@link #applyAll} applied so far, in order. */
	public List<Batch> batches() {
		synchronized (this.directory) {
			return List.copyOf(this.batches);
		}
	}

	/** How many {@link #read} requests were made so far, whatever their size. */
	public int reads() {
		synchronized (this.directory) {
			return this.reads;
		}
	}

	/**
	 * How many lookups by key were made so far, by this view and the directory
	 * ({@link #findAll} makes one per key).
	 */
	public int lookups() {
		return this.directory.lookups();
	}

	@Override
	public Optional<Channel> find(StreamKey key) {
		return call(Call.FIND, () -> this.directory.lookup(key));
	}

	@Override
	public Map<StreamKey, Optional<Channel>> findAll(Collection<StreamKey> keys) {
		return call(Call.FIND, () -> each(keys, this.directory::lookup));
	}

	@Override
	public Map<StreamKey, Optional<Channel>> read(Collection<StreamKey> keys) {
		return call(Call.FIND, () -> {
			this.reads++;
			return each(keys, this.directory::stored);
		});
	}

	@Override
	public List<Channel> live() {
		return call(Call.LIST, () -> this.directory.channels(true));
	}

	@Override
	public List<Channel> all() {
		return call(Call.LIST, () -> this.directory.channels(false));
	}

	@Override
	public WriteResult write(Channel channel, LiveState state, Instant at) {
		return call(Call.WRITE, () -> this.directory.record(channel, state, at));
	}

	/**
	 * Applies the batch as {@code apply_stream_events} does: of the changes of one
	 * channel the latest (to the microsecond; the first in the batch among equals) is
	 * applied as {@link #write} would; then every change is {@code UNKNOWN_KEY} when no
	 * channel has its key, {@code APPLIED} when it is the one that changed the row,
	 * {@code STALE} when older than the row was, {@code DUPLICATE} when of the row's time
	 * or the applied change's time, and otherwise {@code SUPERSEDED}. Answers in the
	 * batch's order; an empty batch is answered at once.
	 */
	@Override
	public Optional<List<AppliedChange>> applyAll(List<LiveStateChange> changes) {
		if (changes.isEmpty()) {
			return Optional.of(List.of());
		}
		return call(Call.APPLY, () -> {
			if (!this.applyFunction) {
				return Optional.empty();
			}
			List<AppliedChange> results = apply(changes);
			this.batches.add(new Batch(List.copyOf(changes), results));
			return Optional.of(results);
		});
	}

	private List<AppliedChange> apply(List<LiveStateChange> changes) {
		Map<StreamKey, Optional<Channel>> channels = each(changes.stream().map(LiveStateChange::key).toList(),
				this.directory::stored);
		Map<UUID, LiveStateChange> latest = new LinkedHashMap<>();
		for (LiveStateChange change : changes) {
			channels.get(change.key())
				.ifPresent(channel -> latest.merge(channel.id(), change,
						(before, next) -> stamp(next).isAfter(stamp(before)) ? next : before));
		}
		Set<LiveStateChange> applied = new HashSet<>();
		latest.forEach((id, change) -> {
			Channel channel = channels.get(change.key()).orElseThrow();
			if (this.directory.applyChange(channel, change.state(), stamp(change)) == WriteResult.APPLIED) {
				applied.add(change);
			}
		});
		return changes.stream()
			.map(change -> channels.get(change.key())
				.map(channel -> new AppliedChange(change.eventId(),
						result(change, channel, latest.get(channel.id()), applied.contains(change)), channel.id()))
				.orElseGet(() -> new AppliedChange(change.eventId(), Result.UNKNOWN_KEY, null)))
			.toList();
	}

	/** What became of a change, against the row as it was before the batch. */
	private static Result result(LiveStateChange change, Channel before, LiveStateChange winner, boolean applied) {
		Instant at = stamp(change);
		Instant modified = before.modified();
		if (applied) {
			return Result.APPLIED;
		}
		if (modified != null && at.isBefore(modified)) {
			return Result.STALE;
		}
		return (at.equals(modified) || at.equals(stamp(winner))) ? Result.DUPLICATE : Result.SUPERSEDED;
	}

	private static Instant stamp(LiveStateChange change) {
		return change.at().truncatedTo(ChronoUnit.MICROS);
	}

	private static Map<StreamKey, Optional<Channel>> each(Collection<StreamKey> keys,
			Function<StreamKey, Optional<Channel>> lookup) {
		Map<StreamKey, Optional<Channel>> found = new LinkedHashMap<>();
		keys.forEach(key -> found.computeIfAbsent(key, lookup));
		return found;
	}

	private <T> T call(Call call, Supplier<T> answer) {
		synchronized (this.directory) {
			try {
				while (this.directory.hanging()) {
					this.directory.wait();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new DirectoryUnavailableException("interrupted while the store did not answer", ex);
			}
			DirectoryException failure = this.directory.next(call);
			if (failure != null) {
				throw failure;
			}
			return answer.get();
		}
	}

}
