package dev.streamctl.srs;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.web.client.RestClient;

/**
 * The configured SRS servers and what their HTTP APIs list, for the workers, which block
 * anyway: one server's whole list ({@link #list}), whether a stream is publishing on any
 * server, read now ({@link #isPublishing}) or from one read of every server per
 * {@code listingMaxAge} ({@link #liveness}), and the {@code server} id each API answered
 * with last, which ties an API to SRS's hooks and heartbeats. A list is read completely
 * or not at all ({@link SrsApiException}); servers are read one after another.
 */
public final class SrsServers {

	/** What the SRS servers say about a stream. */
	public enum Liveness {

		/** A server lists it as publishing. */
		LIVE,

		/** Every server was read, and none lists it as publishing. */
		GONE,

		/** No server is configured, or one could not be read. */
		UNKNOWN

	}

	private final List<URI> apis;

	private final Function<URI, SrsListing> reader;

	private final long maxAgeNanos;

	private final LongSupplier nanoClock;

	private final Map<URI, String> serverIds = new ConcurrentHashMap<>();

	private @Nullable Publishing publishing;

	/**
	 * @param listingMaxAge how long one read of every server answers {@link #liveness}
	 */
	public SrsServers(RestClient.Builder builder, SrsSettings settings, Duration listingMaxAge) {
		this(settings.apis(), new SrsApiClient(builder, settings.timeout())::list, listingMaxAge, System::nanoTime);
	}

	/**
	 * @param apis the servers' API URLs
	 * @param reader reads one server's whole stream list, failing with
	 * {@link SrsApiException} when it cannot
	 * @param listingMaxAge how long one read of every server answers {@link #liveness}
	 * @param nanoClock monotonic nanoseconds
	 */
	public SrsServers(List<URI> apis, Function<URI, SrsListing> reader, Duration listingMaxAge,
			LongSupplier nanoClock) {
		this.apis = List.copyOf(apis);
		this.reader = reader;
		this.maxAgeNanos = listingMaxAge.toNanos();
		this.nanoClock = nanoClock;
	}

	/** Servers read by {@code reader}, every {@link #liveness} question reading them. */
	public SrsServers(List<URI> apis, Function<URI, SrsListing> reader) {
		this(apis, reader, Duration.ZERO, System::nanoTime);
	}

	public boolean isConfigured() {
		return !this.apis.isEmpty();
	}

	public List<URI> apis() {
		return this.apis;
	}

	/** One server's whole stream list, read now; fails with {@link SrsApiException}. */
	public SrsListing list(URI api) {
		SrsListing listing = this.reader.apply(api);
		this.serverIds.put(api, listing.serverId());
		return listing;
	}

	/** The streams of {@link #list}. */
	public List<SrsStream> streams(URI api) {
		return list(api).streams();
	}

	/**
	 * The {@code server} id the API answered with at its last successful read, or empty
	 * before one.
	 */
	public Optional<String> serverId(URI api) {
		return Optional.ofNullable(this.serverIds.get(api));
	}

	/**
	 * Whether a publisher is active on {@code app/name} on any server, read now. Fails
	 * with {@link SrsApiException} when it is on none of the servers read and a server
	 * cannot be read, since the stream may be on that one.
	 */
	public boolean isPublishing(String app, String name) {
		SrsApiException unread = null;
		for (URI api : this.apis) {
			try {
				if (list(api).streams().stream().anyMatch(stream -> publishes(stream, app, name))) {
					return true;
				}
			}
			catch (SrsApiException ex) {
				unread = ex;
			}
		}
		if (unread != null) {
			throw unread;
		}
		return false;
	}

	/**
	 * Whether a server lists {@code app/name} as publishing, from one read of every
	 * server per {@code listingMaxAge} (a backlog of thousands of questions makes one
	 * read, not thousands); a failed read is not kept, so the next question reads again.
	 */
	public Liveness liveness(String app, String name) {
		if (!isConfigured()) {
			return Liveness.UNKNOWN;
		}
		Set<String> live = publishing();
		if (live == null) {
			return Liveness.UNKNOWN;
		}
		return live.contains(app + "/" + name) ? Liveness.LIVE : Liveness.GONE;
	}

	/**
	 * The publishing streams as {@code app/name}, or null when a server cannot be read.
	 */
	private synchronized @Nullable Set<String> publishing() {
		long now = this.nanoClock.getAsLong();
		Publishing current = this.publishing;
		if (current != null && now - current.readAtNanos() < this.maxAgeNanos) {
			return current.streams();
		}
		this.publishing = null;
		Set<String> streams = new HashSet<>();
		try {
			for (URI api : this.apis) {
				list(api).streams()
					.stream()
					.filter(SrsStream::publishing)
					.forEach(stream -> streams.add(stream.app() + "/" + stream.name()));
			}
		}
		catch (SrsApiException ex) {
			return null;
		}
		this.publishing = new Publishing(now, Set.copyOf(streams));
		return this.publishing.streams();
	}

	private static boolean publishes(SrsStream stream, String app, String name) {
		return stream.publishing() && stream.app().equals(app) && stream.name().equals(name);
	}

	private record Publishing(long readAtNanos, Set<String> streams) {
	}

}
