package dev.streamctl.gateway.support;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Posts hook bodies to a running gateway as SRS does: JSON body, SRS's headers. */
public final class Hooks {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String baseUrl;

	public Hooks(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/** The body of a GET on the gateway, e.g. {@code /actuator/prometheus}. */
	public String get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.baseUrl + path)).timeout(Duration.ofSeconds(30)).build())
			.body();
	}

	public HttpResponse<String> post(String body) {
		return post(body, "application/json", "");
	}

	public HttpResponse<String> post(String body, String contentType, String query) {
		return post(body, contentType, query, "/srs/hooks");
	}

	/** Posts a JSON hook body without a length, in chunked transfer encoding. */
	public HttpResponse<String> postChunked(String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/srs/hooks"))
			.version(HttpClient.Version.HTTP_1_1)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers
				.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
			.build();
		return send(request);
	}

	/** Posts to another SRS callback path of the gateway, e.g. {@code /srs/forward}. */
	public HttpResponse<String> post(String body, String contentType, String query, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.baseUrl + path + query))
			.header("Content-Type", contentType)
			.header("User-Agent", "SRS/6.0.157(Hang)")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return send(request);
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " failed", ex);
		}
	}

}
