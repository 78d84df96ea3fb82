package dev.streamctl.srs;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Reads SRS's HTTP API ({@code /api/v1/streams}, paged with {@code start} and
 * {@code count}). A listing is complete or it is an {@link SrsApiException}: a timeout,
 * an error status, a non-zero {@code code}, or paging that does not move on all fail the
 * whole listing, so that callers never take a partial answer for "no stream".
 */
public final class SrsApiClient {

	static final int PAGE_SIZE = 100;

	private static final int MAX_PAGES = 1000;

	private final WebClient client;

	private final Duration timeout;

	public SrsApiClient(WebClient.Builder builder, Duration timeout) {
		this.client = builder.clone().build();
		this.timeout = timeout;
	}

	/**
	 * Every stream the SRS whose API is at {@code api} (e.g. {@code http://srs:1985})
	 * holds now.
	 */
	public Mono<List<SrsStream>> streams(URI api) {
		return page(api, 0, new ArrayList<>(), new HashSet<>());
	}

	private Mono<List<SrsStream>> page(URI api, int start, List<SrsStream> found, Set<String> seen) {
		if (start / PAGE_SIZE >= MAX_PAGES) {
			return Mono.error(new SrsApiException("SRS API " + api + " lists more than " + start + " streams", null));
		}
		return this.client.get()
			.uri(api.resolve("/api/v1/streams?start=" + start + "&count=" + PAGE_SIZE))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(this.timeout)
			.onErrorMap(ex -> !(ex instanceof SrsApiException),
					ex -> new SrsApiException("SRS API " + api + " could not be read: " + ex.getMessage(), ex))
			.flatMap(body -> {
				if (body.path("code").asInt(-1) != 0 || !body.path("streams").isArray()) {
					return Mono.error(new SrsApiException("SRS API " + api + " answered code "
							+ body.path("code").asString("?") + " without a stream list", null));
				}
				String server = body.path("server").asString("");
				int added = 0;
				for (JsonNode stream : body.path("streams")) {
					String id = stream.path("id").asString("");
					if (!seen.add(id)) {
						return Mono.error(new SrsApiException(
								"SRS API " + api + " repeated stream " + id + " across pages: its paging is not usable",
								null));
					}
					found.add(new SrsStream(server, id, stream.path("app").asString(""),
							stream.path("name").asString(""), stream.path("publish").path("active").asBoolean(false),
							stream.path("publish").path("cid").asString("")));
					added++;
				}
				return (added == 0) ? Mono.just(found) : page(api, start + added, found, seen);
			});
	}

}
