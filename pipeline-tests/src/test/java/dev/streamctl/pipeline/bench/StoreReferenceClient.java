package dev.streamctl.pipeline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import dev.streamctl.common.test.postgrest.FakePostgrest;

/**
 * The benchmarks' reference: a bare HTTP client making the original design's two requests
 * per publish against the fake store, a look-up by stream key and a conditional PATCH
 * setting the row live.
 */
final class StoreReferenceClient {

	private final HttpClient http;

	private final String base;

	StoreReferenceClient(HttpClient http, FakePostgrest store) {
		this.http = http;
		this.base = store.url() + "/rest/v1/channels_channel";
	}

	/** The id of the channel with this stream key. */
	String lookUp(String key) throws IOException, InterruptedException {
		HttpResponse<String> found = this.http.send(request(
				this.base + "?select=id,stream_id,is_on_live,modified" + "&stream_id=eq." + encode(key) + "&limit=2")
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		return found.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
	}

	/**
	 * Sets the channel live as of {@code at} unless it holds a newer state; answers the
	 * HTTP status.
	 */
	int setLive(String id, Instant at) throws IOException, InterruptedException {
		return this.http
			.send(request(this.base + "?id=eq." + encode(id) + "&or="
					+ encode("(modified.is.null,modified.lt." + at + ")") + "&select=id")
				.header("Prefer", "return=representation")
				.header("Content-Type", "application/json")
				.method("PATCH", HttpRequest.BodyPublishers.ofString(
						"{\"is_on_live\":true,\"last_status\":\"online\",\"cover\":null,\"modified\":\"" + at + "\"}"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	private static HttpRequest.Builder request(String url) {
		return HttpRequest.newBuilder(URI.create(url))
			.header("apikey", FakePostgrest.SERVICE_KEY)
			.header("Authorization", "Bearer " + FakePostgrest.SERVICE_KEY)
			.header("Accept", "application/json")
			.timeout(Duration.ofSeconds(30));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
