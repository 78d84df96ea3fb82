package dev.streamctl.thumbnail.srs;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.srs.SrsApiClient;
import dev.streamctl.common.srs.SrsStream;
import jakarta.validation.constraints.NotNull;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Whether SRS still lists a stream as publishing: a capture of a stream that is gone is
 * given up.
 */
@Component
public class SrsStreams {

	private final Function<URI, Mono<List<SrsStream>>> reader;

	private final List<URI> apis;

	@Autowired
	SrsStreams(WebClient.Builder builder, Settings settings) {
		this(settings.apis(), new SrsApiClient(builder, settings.timeout())::streams);
	}

	/**
	 * @param apis the servers' API URLs
	 * @param reader reads one server's whole stream list, failing with
	 * {@link dev.streamctl.common.srs.SrsApiException} when it cannot
	 */
	public SrsStreams(List<URI> apis, Function<URI, Mono<List<SrsStream>>> reader) {
		this.apis = List.copyOf(apis);
		this.reader = reader;
	}

	public boolean isConfigured() {
		return !this.apis.isEmpty();
	}

	/**
	 * Whether one of the servers lists the stream as publishing.
	 * @throws dev.streamctl.common.srs.SrsApiException when a server cannot be read
	 */
	public boolean isPublishing(StreamPublished published) {
		String app = published.session().app();
		String name = published.session().stream().value();
		return Boolean.TRUE.equals(Flux.fromIterable(this.apis)
			.flatMap(this.reader)
			.flatMapIterable(streams -> streams)
			.any(stream -> stream.publishing() && stream.app().equals(app) && stream.name().equals(name))
			.block());
	}

	/**
	 * The SRS servers to ask.
	 *
	 * @param apis HTTP API URLs ({@code SRS_APIS}); empty: a capture is given up only
	 * after repeated failures
	 * @param timeout longest wait for one page
	 */
	@Validated
	@ConfigurationProperties("srs")
	record Settings(@NotNull @DefaultValue("") List<URI> apis, @NotNull @DefaultValue("3s") Duration timeout) {
	}

}
