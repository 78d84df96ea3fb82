package dev.streamctl.thumbnail.srs;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.srs.SrsApiClient;
import jakarta.validation.constraints.NotNull;

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

	private final SrsApiClient client;

	private final List<URI> apis;

	SrsStreams(WebClient.Builder builder, Settings settings) {
		this.client = new SrsApiClient(builder, settings.timeout());
		this.apis = settings.apis();
	}

	public boolean isConfigured() {
		return !this.apis.isEmpty();
	}

	/**
	 * Whether one of the servers lists the stream as publishing.
	 * @throws dev.streamctl.common.srs.SrsApiException when a server cannot be read
	 */
	public boolean isPublishing(StreamPublished published) {
		return Boolean.TRUE
			.equals(this.client.isPublishing(this.apis, published.session().app(), published.session().stream().value())
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
