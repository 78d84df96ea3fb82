package dev.streamctl.thumbnail.srs;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.streamctl.srs.SrsApiClient;
import dev.streamctl.srs.SrsApiException;
import dev.streamctl.srs.SrsStream;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Whether SRS still lists a stream as publishing: a job or a capture of a stream that is
 * gone is settled without connecting. One read of every server's stream list answers
 * every question for {@code maxAge} (a backlog of thousands of jobs makes one read, not
 * thousands); a failed read is not kept, so the next question tries again.
 */
@Component
public class SrsStreams {

	/** What the SRS servers say about a stream. */
	public enum Liveness {

		/** A server lists it as publishing. */
		LIVE,

		/** Every server was read, and none lists it as publishing. */
		GONE,

		/** No server is configured, or one could not be read. */
		UNKNOWN

	}

	private final Function<URI, Mono<List<SrsStream>>> reader;

	private final List<URI> apis;

	private final long maxAgeNanos;

	private final LongSupplier nanoClock;

	private @Nullable Listing listing;

	@Autowired
	SrsStreams(WebClient.Builder builder, Settings settings) {
		this(settings.apis(), new SrsApiClient(builder, settings.timeout())::streams, settings.listingMaxAge(),
				System::nanoTime);
	}

	/**
	 * @param apis the servers' API URLs
	 * @param reader reads one server's whole stream list, failing with
	 * {@link SrsApiException} when it cannot
	 * @param maxAge how long one read answers
	 * @param nanoClock monotonic nanoseconds
	 */
	public SrsStreams(List<URI> apis, Function<URI, Mono<List<SrsStream>>> reader, Duration maxAge,
			LongSupplier nanoClock) {
		this.apis = List.copyOf(apis);
		this.reader = reader;
		this.maxAgeNanos = maxAge.toNanos();
		this.nanoClock = nanoClock;
	}

	public boolean isConfigured() {
		return !this.apis.isEmpty();
	}

	/** Whether a server lists {@code app/name} as publishing. */
	public Liveness liveness(String app, String name) {
		if (!isConfigured()) {
			return Liveness.UNKNOWN;
		}
		Set<String> publishing = publishing();
		if (publishing == null) {
			return Liveness.UNKNOWN;
		}
		return publishing.contains(app + "/" + name) ? Liveness.LIVE : Liveness.GONE;
	}

	/**
	 * The publishing streams as {@code app/name}, or null when a server cannot be read.
	 */
	private synchronized @Nullable Set<String> publishing() {
		long now = this.nanoClock.getAsLong();
		Listing current = this.listing;
		if (current != null && now - current.readAtNanos() < this.maxAgeNanos) {
			return current.publishing();
		}
		try {
			List<SrsStream> streams = Flux.fromIterable(this.apis)
				.flatMap(this.reader)
				.flatMapIterable(list -> list)
				.collectList()
				.block();
			Set<String> publishing = new HashSet<>();
			if (streams != null) {
				streams.stream()
					.filter(SrsStream::publishing)
					.forEach(stream -> publishing.add(stream.app() + "/" + stream.name()));
			}
			this.listing = new Listing(now, Set.copyOf(publishing));
			return this.listing.publishing();
		}
		catch (SrsApiException ex) {
			this.listing = null;
			return null;
		}
	}

	private record Listing(long readAtNanos, Set<String> publishing) {
	}

	/**
	 * The SRS servers to ask.
	 *
	 * @param apis HTTP API URLs ({@code SRS_APIS}); empty: a capture is given up only
	 * after repeated failures
	 * @param timeout longest wait for one page
	 * @param listingMaxAge how long one read of the servers' stream lists answers whether
	 * a stream is live
	 */
	@Validated
	@ConfigurationProperties("srs")
	record Settings(@NotNull @DefaultValue("") List<URI> apis, @NotNull @DefaultValue("3s") Duration timeout,
			@NotNull @DefaultValue("1s") Duration listingMaxAge) {
	}

}
