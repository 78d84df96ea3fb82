package dev.streamctl.store;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import dev.streamctl.common.event.StreamKey;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriBuilder;

/**
 * {@link ChannelStore} on Supabase's REST API (PostgREST) with Spring's
 * {@link RestClient}, for the workers, whose threads block anyway. Requests, answers and
 * the lookup cache are {@link ChannelTable}'s, as for the gateway's
 * {@link SupabaseChannelDirectory}; answers map to outcomes with {@link PostgrestErrors}.
 * Every request has {@link SupabaseSettings#requestTimeout()} to answer in full.
 * <p>
 * No retries here: a failure is answered at once (transient ones as
 * {@link DirectoryUnavailableException}), and the caller tries again through the broker
 * (the status worker's retry queues, the thumbnail worker's job retry), so no worker
 * thread ever sleeps between two tries. A call fails within one request timeout.
 * <p>
 * {@link #applyAll} calls the store's {@code apply_stream_events} function when it exists
 * and the table is the original design's ({@link StreamEventsFunction}).
 */
public final class SupabaseChannelStore implements ChannelStore {

	private final RestClient client;

	private final ChannelTable table;

	private final SupabaseSettings settings;

	private final StreamEventsFunction function;

	private final Cache<StreamKey, Optional<Channel>> cache;

	public SupabaseChannelStore(RestClient.Builder builder, SupabaseSettings settings) {
		this(builder, settings, Clock.systemUTC());
	}

	SupabaseChannelStore(RestClient.Builder builder, SupabaseSettings settings, Clock clock) {
		this.settings = settings;
		this.table = new ChannelTable(settings);
		this.function = new StreamEventsFunction(settings, clock);
		this.client = builder.clone()
			.requestFactory(requestFactory(settings.requestTimeout()))
			.baseUrl(this.table.baseUrl())
			.defaultHeaders(this.table.defaultHeaders())
			.build();
		this.cache = this.table.lookupCache().build();
	}

	private static JdkClientHttpRequestFactory requestFactory(Duration timeout) {
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(timeout).build());
		factory.setReadTimeout(timeout);
		return factory;
	}

	@Override
	public Optional<Channel> find(StreamKey key) {
		return this.cache.get(key, this::fetch);
	}

	/**
	 * Looks up the keys the cache does not know with one {@code in.(...)} request per
	 * chunk of keys; the answers are cached like {@link #find}'s.
	 */
	@Override
	public Map<StreamKey, Optional<Channel>> findAll(Collection<StreamKey> keys) {
		Map<StreamKey, Optional<Channel>> cached = this.cache.getAll(keys, this::fetchAll);
		Map<StreamKey, Optional<Channel>> found = new LinkedHashMap<>();
		keys.forEach(key -> found.put(key, cached.containsKey(key) ? cached.get(key) : find(key)));
		return found;
	}

	/**
	 * Reads the keys' rows with one {@code in.(...)} request per chunk of keys, never
	 * from the cache; the cache learns the answers.
	 */
	@Override
	public Map<StreamKey, Optional<Channel>> read(Collection<StreamKey> keys) {
		Map<StreamKey, Optional<Channel>> read = fetchAll(keys);
		this.cache.putAll(read);
		Map<StreamKey, Optional<Channel>> found = new LinkedHashMap<>();
		keys.forEach(key -> found.put(key, read.containsKey(key) ? read.get(key) : fetchFresh(key)));
		return found;
	}

	@Override
	public void forget(StreamKey key) {
		this.cache.invalidate(key);
	}

	private Optional<Channel> fetch(StreamKey key) {
		return this.table.one(key, get("look up a channel by stream key", this.table.findOne(key)));
	}

	private Optional<Channel> fetchFresh(StreamKey key) {
		Optional<Channel> channel = fetch(key);
		this.cache.put(key, channel);
		return channel;
	}

	/** Every key of the chunks, except those a chunk's answer leaves out. */
	private Map<StreamKey, Optional<Channel>> fetchAll(Iterable<? extends StreamKey> keys) {
		List<StreamKey> all = new ArrayList<>();
		keys.forEach(all::add);
		Map<StreamKey, Optional<Channel>> found = new LinkedHashMap<>();
		for (List<StreamKey> chunk : ChannelTable.chunks(all)) {
			found.putAll(this.table.chunk(chunk, get("look up channels by stream key", this.table.findChunk(chunk))));
		}
		return found;
	}

	@Override
	public List<Channel> live() {
		return pages("list live channels", true);
	}

	@Override
	public List<Channel> all() {
		return pages("list channels", false);
	}

	private List<Channel> pages(String what, boolean liveOnly) {
		List<Channel> found = new ArrayList<>();
		List<JsonNode> rows;
		int offset = 0;
		do {
			rows = get(what, this.table.page(liveOnly, offset));
			rows.forEach(row -> found.add(this.table.channel(row)));
			offset += ChannelTable.PAGE_SIZE;
		}
		while (!ChannelTable.lastPage(rows));
		return found;
	}

	@Override
	public WriteResult write(Channel channel, LiveState state, Instant at) {
		Instant stamp = ChannelTable.stamp(at);
		List<JsonNode> changed = ChannelTable.rows(call("update a channel's live state",
				() -> this.client.patch()
					.uri(this.table.conditionalWrite(channel, stamp))
					.header("Prefer", ChannelTable.RETURN_REPRESENTATION)
					.contentType(MediaType.APPLICATION_JSON)
					.body(this.table.writeBody(channel, state, stamp))));
		if (!changed.isEmpty()) {
			return WriteResult.APPLIED;
		}
		WriteResult result = this.table
			.unchanged(get("re-read a channel after a write that changed nothing", this.table.reread(channel)), stamp);
		if (result == WriteResult.GONE) {
			forget(channel.streamKey());
		}
		return result;
	}

	/**
	 * One {@code POST /rpc/apply_stream_events} for the whole batch; empty, without a
	 * request, while the function is known to be missing or cannot serve the configured
	 * table.
	 */
	@Override
	public Optional<List<AppliedChange>> applyAll(List<LiveStateChange> changes) {
		if (changes.isEmpty()) {
			return Optional.of(List.of());
		}
		if (!this.function.worthCalling()) {
			return Optional.empty();
		}
		JsonNode answer;
		try {
			answer = call("apply a batch of live-state changes",
					() -> this.client.post()
						.uri(StreamEventsFunction.PATH)
						.contentType(MediaType.APPLICATION_JSON)
						.body(StreamEventsFunction.body(changes)));
		}
		catch (DirectoryException ex) {
			if (StreamEventsFunction.isMissing(ex)) {
				this.function.missing();
				return Optional.empty();
			}
			throw ex;
		}
		this.function.found();
		return Optional.of(StreamEventsFunction.results(answer, changes.size()));
	}

	private List<JsonNode> get(String what, Function<UriBuilder, URI> uri) {
		return ChannelTable.rows(call(what, () -> this.client.get().uri(uri)));
	}

	/** The request's JSON answer. */
	private JsonNode call(String what, Supplier<RestClient.RequestHeadersSpec<?>> request) {
		return exchange(what, request.get());
	}

	private JsonNode exchange(String what, RestClient.RequestHeadersSpec<?> request) {
		try {
			return request.exchangeForRequiredValue((sent, response) -> {
				HttpStatusCode status = response.getStatusCode();
				if (!status.is2xxSuccessful()) {
					String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
					throw PostgrestErrors.classify(status.value(), body, what, this.settings);
				}
				JsonNode body = response.bodyTo(JsonNode.class);
				if (body == null) {
					throw PostgrestErrors.classify(status.value(), "", what + " (an empty answer)", this.settings);
				}
				return body;
			}, true);
		}
		catch (RestClientException ex) {
			throw PostgrestErrors.unreachable(what, this.settings.requestTimeout(), ex);
		}
	}

}
