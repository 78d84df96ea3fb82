package dev.streamctl.store;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.streamctl.common.event.StreamKey;
import org.jspecify.annotations.Nullable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link ChannelDirectory} on Supabase's REST API (PostgREST). It owns the timeouts, the
 * mapping of answers to outcomes ({@link PostgrestErrors}) and the retry policy: a
 * transient failure is tried again {@link SupabaseSettings#retries()} times with
 * exponential backoff and jitter. Filter values travel as strictly encoded URI variables,
 * since PostgREST reads a literal {@code +} as a space. Lookups by key are cached, found
 * and not found each for their own time; concurrent lookups of one key share one request.
 */
public final class SupabaseChannelDirectory implements ChannelDirectory {

	static final String REST_PATH = "/rest/v1";

	private static final int PAGE_SIZE = 1000;

	/**
	 * Most keys in one {@code in.(...)} lookup, and most characters they take in the URL
	 * once quoted and encoded: the request line stays well under the 8 KiB that proxies
	 * in front of PostgREST commonly allow.
	 */
	static final int LOOKUP_CHUNK_KEYS = 100;

	static final int LOOKUP_CHUNK_CHARS = 6000;

	private final WebClient client;

	private final SupabaseSettings settings;

	private final SupabaseSettings.Columns columns;

	private final AsyncCache<StreamKey, Optional<Channel>> cache;

	public SupabaseChannelDirectory(WebClient.Builder builder, SupabaseSettings settings) {
		this.settings = settings;
		this.columns = settings.columns();
		this.client = builder.clone()
			.baseUrl(settings.url().toString().replaceAll("/+$", "") + REST_PATH)
			.defaultHeader("apikey", settings.key())
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.key())
			.defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
			.build();
		this.cache = Caffeine.newBuilder()
			.maximumSize(settings.cacheSize())
			.expireAfter(Expiry.<StreamKey, Optional<Channel>>creating(
					(key, found) -> found.isPresent() ? settings.cacheTtl() : settings.negativeCacheTtl()))
			.buildAsync();
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
				(missing, executor) -> Flux.fromIterable(chunks(missing))
					.concatMap(this::fetchAll)
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
		return call("look up a channel by stream key",
				this.client.get()
					.uri(uri -> uri.path("/" + this.settings.table())
						.queryParam("select", selectColumns())
						.queryParam(this.columns.streamKey(), "eq.{key}")
						.queryParam("limit", 2)
						.build(Map.of("key", key.value()))),
				this::rows)
			.map(rows -> {
				if (rows.size() > 1) {
					throw new DirectoryRejectedException(200, "",
							"more than one row of " + this.settings.table() + " has stream key " + key.masked()
									+ ": make the " + this.columns.streamKey() + " column unique");
				}
				return rows.stream().findFirst().map(this::channel);
			});
	}

	/**
	 * One lookup of several keys: every key of the chunk in the answer, empty where no
	 * row has it.
	 */
	private Mono<Map<StreamKey, Optional<Channel>>> fetchAll(List<StreamKey> chunk) {
		String list = chunk.stream().map(key -> quoted(key.value())).collect(Collectors.joining(",", "in.(", ")"));
		return call("look up channels by stream key",
				this.client.get()
					.uri(uri -> uri.path("/" + this.settings.table())
						.queryParam("select", selectColumns())
						.queryParam(this.columns.streamKey(), "{keys}")
						.build(Map.of("keys", list))),
				this::rows)
			.map(rows -> {
				Map<StreamKey, Optional<Channel>> found = new LinkedHashMap<>();
				chunk.forEach(key -> found.put(key, Optional.empty()));
				boolean unasked = false;
				for (JsonNode row : rows) {
					Channel channel = channel(row);
					Optional<Channel> before = found.get(channel.streamKey());
					if (before == null) {
						unasked = true;
						continue;
					}
					if (before.isPresent()) {
						throw new DirectoryRejectedException(200, "",
								"more than one row of " + this.settings.table() + " has stream key "
										+ channel.streamKey().masked() + ": make the " + this.columns.streamKey()
										+ " column unique");
					}
					found.put(channel.streamKey(), Optional.of(channel));
				}
				if (unasked) {
					// a row whose key is none of those asked (a case-insensitive column,
					// say): which key it answers is unknown, so the keys without a row of
					// their own are left out, to be looked up one by one
					found.values().removeIf(Optional::isEmpty);
				}
				return found;
			});
	}

	/**
	 * The keys in chunks of at most {@link #LOOKUP_CHUNK_KEYS} keys and
	 * {@link #LOOKUP_CHUNK_CHARS} URL characters.
	 */
	static List<List<StreamKey>> chunks(Collection<? extends StreamKey> keys) {
		List<List<StreamKey>> chunks = new ArrayList<>();
		List<StreamKey> chunk = new ArrayList<>();
		int chars = 0;
		for (StreamKey key : keys) {
			int length = URLEncoder.encode(quoted(key.value()), StandardCharsets.UTF_8).length() + 3;
			if (!chunk.isEmpty() && (chunk.size() == LOOKUP_CHUNK_KEYS || chars + length > LOOKUP_CHUNK_CHARS)) {
				chunks.add(chunk);
				chunk = new ArrayList<>();
				chars = 0;
			}
			chunk.add(key);
			chars += length;
		}
		if (!chunk.isEmpty()) {
			chunks.add(chunk);
		}
		return chunks;
	}

	/**
	 * A value of an {@code in.(...)} list: double-quoted, so that {@code , . : ( )} in it
	 * are taken literally.
	 */
	static String quoted(String value) {
		return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

	private static <K, V> Map<K, V> merge(List<Map<K, V>> parts) {
		Map<K, V> all = new LinkedHashMap<>();
		parts.forEach(all::putAll);
		return all;
	}

	@Override
	public Mono<List<Channel>> live() {
		return page("list live channels", this.columns.live(), "eq.true", 0, new ArrayList<>());
	}

	@Override
	public Mono<List<Channel>> all() {
		return page("list channels", null, null, 0, new ArrayList<>());
	}

	/**
	 * Puts channels in the lookup cache, so that lookups of their keys make no request.
	 */
	public void remember(List<Channel> channels) {
		channels.forEach(channel -> this.cache.put(channel.streamKey(),
				java.util.concurrent.CompletableFuture.completedFuture(Optional.of(channel))));
	}

	private Mono<List<Channel>> page(String what, @Nullable String filterColumn, @Nullable String filter, int offset,
			List<Channel> found) {
		return call(what, this.client.get().uri(uri -> {
			uri.path("/" + this.settings.table())
				.queryParam("select", selectColumns())
				.queryParam("order", this.columns.id() + ".asc")
				.queryParam("limit", PAGE_SIZE)
				.queryParam("offset", offset);
			if (filterColumn != null && filter != null) {
				uri.queryParam(filterColumn, filter);
			}
			return uri.build();
		}), this::rows).flatMap(rows -> {
			rows.forEach(row -> found.add(channel(row)));
			return (rows.size() < PAGE_SIZE) ? Mono.just(found)
					: page(what, filterColumn, filter, offset + PAGE_SIZE, found);
		});
	}

	@Override
	public Mono<WriteResult> write(Channel channel, LiveState state, Instant at) {
		Instant stamp = at.truncatedTo(ChronoUnit.MICROS);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put(this.columns.live(), state.live());
		body.put(this.columns.status(), state.status());
		if (state == LiveState.ONLINE) {
			body.put(this.columns.cover(), channel.cover());
		}
		body.put(this.columns.modified(), stamp.toString());
		String modified = this.columns.modified();
		return call("update a channel's live state",
				this.client.patch()
					.uri(uri -> uri.path("/" + this.settings.table())
						.queryParam(this.columns.id(), "eq.{id}")
						.queryParam("or", "(" + modified + ".is.null," + modified + ".lt.{at})")
						.queryParam("select", this.columns.id())
						.build(Map.of("id", channel.id().toString(), "at", stamp.toString())))
					.header("Prefer", "return=representation")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body),
				this::rows)
			.flatMap(rows -> rows.isEmpty() ? explainUnchanged(channel, stamp) : Mono.just(WriteResult.APPLIED));
	}

	/**
	 * A conditional write changed nothing: the row is newer, gone, or hidden from this
	 * key's writes.
	 */
	private Mono<WriteResult> explainUnchanged(Channel channel, Instant stamp) {
		return call("re-read a channel after a write that changed nothing",
				this.client.get()
					.uri(uri -> uri.path("/" + this.settings.table())
						.queryParam("select", this.columns.modified())
						.queryParam(this.columns.id(), "eq.{id}")
						.build(Map.of("id", channel.id().toString()))),
				this::rows)
			.map(rows -> {
				if (rows.isEmpty()) {
					forget(channel.streamKey());
					return WriteResult.GONE;
				}
				Instant stored = instant(rows.get(0).get(this.columns.modified()));
				if (stored != null && !stored.isBefore(stamp)) {
					return stored.equals(stamp) ? WriteResult.DUPLICATE : WriteResult.STALE;
				}
				throw PostgrestErrors.writeHidden(this.settings.table());
			});
	}

	private <T> Mono<T> call(String what, WebClient.RequestHeadersSpec<?> request,
			Function<ClientResponse, Mono<T>> onSuccess) {
		Duration timeout = this.settings.requestTimeout();
		return request
			.exchangeToMono(response -> response.statusCode().is2xxSuccessful() ? onSuccess.apply(response)
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

	private Mono<List<JsonNode>> rows(ClientResponse response) {
		return response.bodyToMono(JsonNode.class).map(body -> {
			List<JsonNode> rows = new ArrayList<>();
			body.forEach(rows::add);
			return rows;
		});
	}

	private Channel channel(JsonNode row) {
		JsonNode live = row.get(this.columns.live());
		return new Channel(UUID.fromString(row.get(this.columns.id()).asString()),
				StreamKey.of(row.get(this.columns.streamKey()).asString()), live != null && live.asBoolean(),
				instant(row.get(this.columns.modified())));
	}

	private static @Nullable Instant instant(@Nullable JsonNode value) {
		return (value == null || value.isNull()) ? null : OffsetDateTime.parse(value.asString()).toInstant();
	}

	private String selectColumns() {
		return String.join(",", this.columns.id(), this.columns.streamKey(), this.columns.live(),
				this.columns.modified());
	}

}
