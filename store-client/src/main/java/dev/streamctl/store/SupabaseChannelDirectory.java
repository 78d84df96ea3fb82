package dev.streamctl.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import dev.streamctl.common.event.StreamKey;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriBuilder;

/**
 * {@link ChannelDirectory} on Supabase's REST API (PostgREST), for the gateway, which
 * must not block. It owns the timeouts, the mapping of answers to outcomes
 * ({@link PostgrestErrors}) and the retry policy: a transient failure is tried again
 * {@link SupabaseSettings#retries()} times with exponential backoff and jitter. Requests
 * and answers are {@link ChannelTable}'s, as for {@link SupabaseChannelStore}. Lookups by
 * key are cached, found and not found each for their own time; concurrent lookups of one
 * key share one request.
 */
public final class SupabaseChannelDirectory implements ChannelDirectory {

	private final WebClient client;

	private final ChannelTable table;

	private final SupabaseSettings settings;

	private final AsyncCache<StreamKey, Optional<Channel>> cache;

	public SupabaseChannelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
		this.settings = settings;
		this.table = new ChannelTable(settings);
		this.client = builder.clone().baseUrl(this.table.baseUrl()).defaultHeaders(this.table.defaultHeaders()).build();
		this.cache = this.table.lookupCache().buildAsync();
	}

	@Override
	public Mono<Optional<Channel>> find(StreamKey key) {
		return Mono.fromFuture(() -> this.cache.get(key, (k, executor) -> fetch(k).toFuture()));
	}

	/**
	 * Looks up the keys the cache does not know with one {@code in.(...)} request per
	 * chunk of keys, instead of one request per key; the answers are cached like
	 * {@link #find}'s.
	 */
	@Override
	public Mono<Map<StreamKey, Optional<Channel>>> findAll(Collection<StreamKey> keys) {
		return Mono.fromFuture(() -> this.cache.getAll(keys,
				(missing, executor) -> Flux.fromIterable(ChannelTable.chunks(missing))
					.concatMap(this::fetchChunk)
					.collectList()
					.map(SupabaseChannelDirectory::merge)
					.toFuture()));
	}

	/**
	 * Forgets what the cache knows of a key, so the next {@link #find} asks the store.
	 */
	public void forget(StreamKey key) {
		this.cache.synchronous().invalidate(key);
	}

	private Mono<Optional<Channel>> fetch(StreamKey key) {
		return get("look up a channel by stream key", this.table.findOne(key)).map(rows -> this.table.one(key, rows));
	}

	private Mono<Map<StreamKey, Optional<Channel>>> fetchChunk(List<StreamKey> chunk) {
		return get("look up channels by stream key", this.table.findChunk(chunk))
			.map(rows -> this.table.chunk(chunk, rows));
	}

	private static <K, V> Map<K, V> merge(List<Map<K, V>> parts) {
		Map<K, V> all = new LinkedHashMap<>();
		parts.forEach(all::putAll);
		return all;
	}

	@Override
	public Mono<List<Channel>> live() {
		return page("list live channels", true, 0, new ArrayList<>());
	}

	@Override
	public Mono<List<Channel>> all() {
		return page("list channels", false, 0, new ArrayList<>());
	}

	/**
	 * Puts channels in the lookup cache, so that lookups of their keys make no request.
	 */
	public void remember(List<Channel> channels) {
		channels.forEach(channel -> this.cache.put(channel.streamKey(),
				CompletableFuture.completedFuture(Optional.of(channel))));
	}

	private Mono<List<Channel>> page(String what, boolean liveOnly, int offset, List<Channel> found) {
		return get(what, this.table.page(liveOnly, offset)).flatMap(rows -> {
			rows.forEach(row -> found.add(this.table.channel(row)));
			return ChannelTable.lastPage(rows) ? Mono.just(found)
					: page(what, liveOnly, offset + ChannelTable.PAGE_SIZE, found);
		});
	}

	@Override
	public Mono<WriteResult> write(Channel channel, LiveState state, Instant at) {
		Instant stamp = ChannelTable.stamp(at);
		return call("update a channel's live state",
				this.client.patch()
					.uri(this.table.conditionalWrite(channel, stamp))
					.header("Prefer", ChannelTable.RETURN_REPRESENTATION)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(this.table.writeBody(channel, state, stamp)))
			.flatMap(rows -> rows.isEmpty() ? explainUnchanged(channel, stamp) : Mono.just(WriteResult.APPLIED));
	}

	/**
	 * A conditional write changed nothing: the row is newer, gone, or hidden from this
	 * key's writes.
	 */
	private Mono<WriteResult> explainUnchanged(Channel channel, Instant stamp) {
		return get("re-read a channel after a write that changed nothing", this.table.reread(channel)).map(rows -> {
			WriteResult result = this.table.unchanged(rows, stamp);
			if (result == WriteResult.GONE) {
				forget(channel.streamKey());
			}
			return result;
		});
	}

	private Mono<List<JsonNode>> get(String what, Function<UriBuilder, URI> uri) {
		return call(what, this.client.get().uri(uri));
	}

	private Mono<List<JsonNode>> call(String what, WebClient.RequestHeadersSpec<?> request) {
		Duration timeout = this.settings.requestTimeout();
		return request
			.exchangeToMono(response -> response.statusCode().is2xxSuccessful() ? rows(response)
					: response.bodyToMono(String.class)
						.defaultIfEmpty("")
						.flatMap(body -> Mono
							.error(PostgrestErrors.classify(response.statusCode().value(), body, what, this.settings))))
			.timeout(timeout)
			.onErrorMap(ex -> !(ex instanceof DirectoryException), ex -> PostgrestErrors.unreachable(what, timeout, ex))
			.retryWhen(Retry.backoff(this.settings.retries(), this.settings.retryBackoff())
				.maxBackoff(this.settings.retryMaxBackoff())
				.jitter(0.5)
				.filter(ex -> ex instanceof DirectoryException directory && directory.isTransient()))
			.onErrorMap(Exceptions::isRetryExhausted, Throwable::getCause);
	}

	private static Mono<List<JsonNode>> rows(ClientResponse response) {
		return response.bodyToMono(JsonNode.class).map(ChannelTable::rows);
	}

}
