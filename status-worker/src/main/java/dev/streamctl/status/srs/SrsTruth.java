package dev.streamctl.status.srs;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

import dev.streamctl.srs.SrsApiClient;
import dev.streamctl.srs.SrsStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/** What every configured SRS server holds now, read completely or not at all. */
@Component
public class SrsTruth {

	private final Function<URI, Mono<List<SrsStream>>> reader;

	private final List<URI> apis;

	@Autowired
	SrsTruth(WebClient.Builder builder, SrsSettings settings) {
		this(settings.apis(), new SrsApiClient(builder, settings.timeout())::streams);
	}

	/**
	 * @param apis the servers' API URLs
	 * @param reader reads one server's whole stream list, failing with
	 * {@link dev.streamctl.srs.SrsApiException} when it cannot
	 */
	public SrsTruth(List<URI> apis, Function<URI, Mono<List<SrsStream>>> reader) {
		this.apis = List.copyOf(apis);
		this.reader = reader;
	}

	public boolean isConfigured() {
		return !this.apis.isEmpty();
	}

	public List<URI> apis() {
		return this.apis;
	}

	/**
	 * The streams of one server; fails with {@link dev.streamctl.srs.SrsApiException}.
	 */
	public List<SrsStream> streams(URI api) {
		return this.reader.apply(api).blockOptional().orElseThrow();
	}

	/**
	 * Whether a publisher is active on {@code app/name} on any server. Fails when any
	 * server cannot be read, since the stream may be on that one.
	 */
	public boolean isPublishing(String app, String name) {
		return Flux.fromIterable(this.apis)
			.flatMap(this.reader)
			.flatMapIterable(streams -> streams)
			.any(stream -> stream.publishing() && stream.app().equals(app) && stream.name().equals(name))
			.blockOptional()
			.orElseThrow();
	}

}
