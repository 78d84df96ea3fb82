package dev.streamctl.srs;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Reads SRS's HTTP API ({@code /api/v1/streams}, paged with {@code start} and
 * {@code count}), each page within the timeout. A listing is complete or it is an
 * {@link SrsApiException}: a timeout, an error status, a non-zero {@code code}, paging
 * that does not move on, or a server that restarted between pages all fail the whole
 * listing, so that callers never take a partial answer for "no stream". No retry: the
 * callers ask again on their own schedule.
 */
final class SrsApiClient {

	static final int PAGE_SIZE = 100;

	private static final int MAX_PAGES = 1000;

	private final RestClient client;

	SrsApiClient(RestClient.Builder builder, Duration timeout) {
		JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(timeout).build());
		factory.setReadTimeout(timeout);
		this.client = builder.clone().requestFactory(factory).build();
	}

	/**
	 * Every stream the SRS whose API is at {@code api} (e.g. {@code http://srs:1985})
	 * holds now.
	 */
	SrsListing list(URI api) {
		List<SrsStream> found = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		JsonNode page = page(api, 0);
		String server = page.path("server").asString("");
		String service = page.path("service").asString("");
		while (!page.path("streams").isEmpty()) {
			for (JsonNode stream : page.path("streams")) {
				found.add(stream(api, server, stream, seen));
			}
			if (found.size() / PAGE_SIZE >= MAX_PAGES) {
				throw new SrsApiException("SRS API " + api + " lists more than " + found.size() + " streams", null);
			}
			page = page(api, found.size());
			if (!service.equals(page.path("service").asString(""))) {
				throw new SrsApiException("SRS API " + api + " restarted while its streams were read", null);
			}
		}
		return new SrsListing(api, server, service, found);
	}

	private JsonNode page(URI api, int start) {
		@Nullable JsonNode body;
		try {
			body = this.client.get()
				.uri(api.resolve("/api/v1/streams?start=" + start + "&count=" + PAGE_SIZE))
				.retrieve()
				.body(JsonNode.class);
		}
		catch (RestClientException ex) {
			throw new SrsApiException("SRS API " + api + " could not be read: " + ex.getMessage(), ex);
		}
		if (body == null || body.path("code").asInt(-1) != 0 || !body.path("streams").isArray()) {
			throw new SrsApiException("SRS API " + api + " answered code "
					+ ((body != null) ? body.path("code").asString("?") : "?") + " without a stream list", null);
		}
		return body;
	}

	private static SrsStream stream(URI api, String server, JsonNode stream, Set<String> seen) {
		String id = stream.path("id").asString("");
		if (!seen.add(id)) {
			throw new SrsApiException(
					"SRS API " + api + " repeated stream " + id + " across pages: its paging is not usable", null);
		}
		return new SrsStream(server, id, stream.path("app").asString(""), stream.path("name").asString(""),
				stream.path("publish").path("active").asBoolean(false),
				stream.path("publish").path("cid").asString(""));
	}

}
