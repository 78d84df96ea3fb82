package dev.streamctl.store;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.streamctl.common.event.StreamKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The channels of the platform, as the store knows them. Every failure is a
 * {@link DirectoryException}: transient ones after the implementation's own retries,
 * permanent ones at once. No failure is ever turned into an empty answer.
 */
public interface ChannelDirectory {

	/**
	 * The channel whose stream key this is, or empty when there is none. Answers may come
	 * from a cache.
	 */
	Mono<Optional<Channel>> find(StreamKey key);

	/**
	 * The channels of several keys at once, every key in the answer (empty for no
	 * channel). Answers may come from a cache; by default one {@link #find} per key.
	 */
	default Mono<Map<StreamKey, Optional<Channel>>> findAll(Collection<StreamKey> keys) {
		Map<StreamKey, Optional<Channel>> found = new LinkedHashMap<>();
		return Flux.fromIterable(keys)
			.concatMap(key -> find(key).doOnNext(channel -> found.put(key, channel)))
			.then(Mono.fromSupplier(() -> found));
	}

	/** Every channel the store shows live now (never cached). */
	Mono<List<Channel>> live();

	/** Every channel (never cached); used to warm the lookup cache. */
	Mono<List<Channel>> all();

	/**
	 * Writes a channel's live state as of {@code at}, unless the row already holds a
	 * state at least that recent: the latest write wins whatever order writes arrive in,
	 * and repeating one changes nothing. Going online also sets the cover to
	 * {@link Channel#cover()}; going offline keeps it.
	 */
	Mono<WriteResult> write(Channel channel, LiveState state, Instant at);

}
