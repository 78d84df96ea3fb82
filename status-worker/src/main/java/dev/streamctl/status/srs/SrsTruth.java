package dev.streamctl.status.srs;

import java.net.URI;
import java.util.List;

import dev.streamctl.common.srs.SrsApiClient;
import dev.streamctl.common.srs.SrsStream;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/** What every configured SRS server holds now, read completely or not at all. */
@Component
public class SrsTruth {

	private final SrsApiClient client;

	private final List<URI> apis;

	SrsTruth(WebClient.Builder builder, SrsSettings settings) {
		this.client = new SrsApiClient(builder, settings.timeout());
		this.apis = settings.apis();
	}

	public boolean isConfigured() {
		return !this.apis.isEmpty();
	}

	public List<URI> apis() {
		return this.apis;
	}

	/**
	 * The streams of one server; fails with
	 * {@link dev.streamctl.common.srs.SrsApiException}.
	 */
	public Mono<List<SrsStream>> streams(URI api) {
		return this.client.streams(api);
	}

	/**
	 * Whether a publisher is active on {@code app/name} on any server. Fails when any
	 * server cannot be read, since the stream may be on that one.
	 */
	public Mono<Boolean> isPublishing(String app, String name) {
		return this.client.isPublishing(this.apis, app, name);
	}

}
