package dev.streamctl.store;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.streamctl.common.event.StreamKey;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.util.UriBuilder;

/**
 * The channel table as PostgREST serves it, for both clients of the store: the requests
 * (as URIs relative to {@link #baseUrl()}, bodies and headers) and the reading of their
 * answers. Filter values travel as strictly encoded URI variables, since PostgREST reads
 * a literal {@code +} as a space. Holds no connection; the clients own sending, timeouts
 * and retries.
 */
final class ChannelTable {

	static final String REST_PATH = "/rest/v1";

	static final int PAGE_SIZE = 1000;

	/** The {@code Prefer} header of {@link #conditionalWrite}. */
	static final String RETURN_REPRESENTATION = "return=representation";

	/**
	 * Most keys in one {@code in.(...)} lookup, and most characters they take in the URL
	 * once quoted and encoded: the request line stays well under the 8 KiB that proxies
	 * in front of PostgREST commonly allow.
	 */
	static final int LOOKUP_CHUNK_KEYS = 100;

	static final int LOOKUP_CHUNK_CHARS = 6000;

	private final SupabaseSettings settings;

	private final SupabaseSettings.Columns columns;

	ChannelTable(SupabaseSettings settings) {
		this.settings = settings;
		this.columns = settings.columns();
	}

	SupabaseSettings settings() {
		return this.settings;
	}

	/** The REST API's root, {@code <url>/rest/v1}. */
	String baseUrl() {
		return this.settings.url().toString().replaceAll("/+$", "") + REST_PATH;
	}

	/** The headers of every request: the key, as Supabase wants it, and JSON answers. */
	Consumer<HttpHeaders> defaultHeaders() {
		return headers -> {
			headers.set("apikey", this.settings.key());
			headers.setBearerAuth(this.settings.key());
			headers.setAccept(List.of(MediaType.APPLICATION_JSON));
		};
	}

	/**
	 * The lookup cache both clients keep: found and not found each remembered for their
	 * own time.
	 */
	Caffeine<StreamKey, Optional<Channel>> lookupCache() {
		return Caffeine.newBuilder()
			.maximumSize(this.settings.cacheSize())
			.expireAfter(Expiry.<StreamKey, Optional<Channel>>creating(
					(key, found) -> found.isPresent() ? this.settings.cacheTtl() : this.settings.negativeCacheTtl()));
	}

	/** The rows of one key; at most two, to notice a key that is not unique. */
	Function<UriBuilder, URI> findOne(StreamKey key) {
		return uri -> uri.path("/" + this.settings.table())
			.queryParam("select", selectColumns())
			.queryParam(this.columns.streamKey(), "eq.{key}")
			.queryParam("limit", 2)
			.build(Map.of("key", key.value()));
	}

	/** The channel of {@link #findOne}'s answer. */
	Optional<Channel> one(StreamKey key, List<JsonNode> rows) {
		if (rows.size() > 1) {
			throw notUnique(key);
		}
		return rows.stream().findFirst().map(this::channel);
	}

	/** The rows of a chunk of keys (see {@link #chunks}), with one request. */
	Function<UriBuilder, URI> findChunk(List<StreamKey> chunk) {
		String list = chunk.stream().map(key -> quoted(key.value())).collect(Collectors.joining(",", "in.(", ")"));
		return uri -> uri.path("/" + this.settings.table())
			.queryParam("select", selectColumns())
			.queryParam(this.columns.streamKey(), "{keys}")
			.build(Map.of("keys", list));
	}

	/**
	 * The channels of {@link #findChunk}'s answer: every key of the chunk, empty where no
	 * row has it; or, when a row has a key none of those asked (a case-insensitive
	 * column, say), only the keys found, since which key that row answers is unknown: the
	 * others are to be looked up one by one.
	 */
	Map<StreamKey, Optional<Channel>> chunk(List<StreamKey> chunk, List<JsonNode> rows) {
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
				throw notUnique(channel.streamKey());
			}
			found.put(channel.streamKey(), Optional.of(channel));
		}
		if (unasked) {
			found.values().removeIf(Optional::isEmpty);
		}
		return found;
	}

	private DirectoryRejectedException notUnique(StreamKey key) {
		return new DirectoryRejectedException(200, "", "more than one row of " + this.settings.table()
				+ " has stream key " + key.masked() + ": make the " + this.columns.streamKey() + " column unique");
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

	/**
	 * One page of {@link #PAGE_SIZE} channels in id order from {@code offset}, of the
	 * live channels or of all.
	 */
	Function<UriBuilder, URI> page(boolean liveOnly, int offset) {
		return uri -> {
			uri.path("/" + this.settings.table())
				.queryParam("select", selectColumns())
				.queryParam("order", this.columns.id() + ".asc")
				.queryParam("limit", PAGE_SIZE)
				.queryParam("offset", offset);
			if (liveOnly) {
				uri.queryParam(this.columns.live(), "eq.true");
			}
			return uri.build();
		};
	}

	/** Whether a page with this many rows was the last. */
	static boolean lastPage(List<?> rows) {
		return rows.size() < PAGE_SIZE;
	}

	/**
	 * The time of a write as the column keeps it; the conditional write and its
	 * explanation compare this.
	 */
	static Instant stamp(Instant at) {
		return at.truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * The PATCH of a channel's live state that changes the row only when it holds no
	 * state at least as recent, answering the rows it changed ({@code Prefer:
	 * return=representation}).
	 */
	Function<UriBuilder, URI> conditionalWrite(Channel channel, Instant stamp) {
		String modified = this.columns.modified();
		return uri -> uri.path("/" + this.settings.table())
			.queryParam(this.columns.id(), "eq.{id}")
			.queryParam("or", "(" + modified + ".is.null," + modified + ".lt.{at})")
			.queryParam("select", this.columns.id())
			.build(Map.of("id", channel.id().toString(), "at", stamp.toString()));
	}

	/** The body of {@link #conditionalWrite}: going online also sets the cover. */
	Map<String, Object> writeBody(Channel channel, LiveState state, Instant stamp) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put(this.columns.live(), state.live());
		body.put(this.columns.status(), state.status());
		if (state == LiveState.ONLINE) {
			body.put(this.columns.cover(), channel.cover());
		}
		body.put(this.columns.modified(), stamp.toString());
		return body;
	}

	/** The row's modified time, to explain a conditional write that changed nothing. */
	Function<UriBuilder, URI> reread(Channel channel) {
		return uri -> uri.path("/" + this.settings.table())
			.queryParam("select", this.columns.modified())
			.queryParam(this.columns.id(), "eq.{id}")
			.build(Map.of("id", channel.id().toString()));
	}

	/**
	 * Why a conditional write changed nothing, from {@link #reread}'s answer: the row is
	 * gone, or holds a state at least as recent; otherwise it is hidden from this key's
	 * writes, which needs an operator.
	 */
	WriteResult unchanged(List<JsonNode> rows, Instant stamp) {
		if (rows.isEmpty()) {
			return WriteResult.GONE;
		}
		Instant stored = instant(rows.get(0).get(this.columns.modified()));
		if (stored != null && !stored.isBefore(stamp)) {
			return stored.equals(stamp) ? WriteResult.DUPLICATE : WriteResult.STALE;
		}
		throw PostgrestErrors.writeHidden(this.settings.table());
	}

	/** The elements of a JSON array answer. */
	static List<JsonNode> rows(JsonNode body) {
		List<JsonNode> rows = new ArrayList<>();
		body.forEach(rows::add);
		return rows;
	}

	Channel channel(JsonNode row) {
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
