package dev.streamctl.srs.test;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamctl.srs.SrsApiException;
import dev.streamctl.srs.SrsListing;
import dev.streamctl.srs.SrsStream;
import org.jspecify.annotations.Nullable;

/**
 * The stream lists of several SRS servers in memory, read the way the services read SRS's
 * HTTP API: one server's whole list, or an {@link SrsApiException} when that server
 * cannot be read completely. Hand {@link #list(URI)} to {@code SrsServers} as its reader;
 * {@link #apis()} lists the servers in the order they were added.
 */
public final class InMemorySrsApis {

	private final Map<URI, Server> servers = new LinkedHashMap<>();

	private int reads;

	/**
	 * Adds a server (or answers the one already added) and returns the URL of its API.
	 */
	public synchronized URI server(String serverId) {
		URI api = URI.create("http://" + serverId + ":1985");
		this.servers.computeIfAbsent(api, ignored -> new Server(serverId));
		return api;
	}

	public synchronized List<URI> apis() {
		return List.copyOf(this.servers.keySet());
	}

	/** Lists a stream with an active publisher (replacing any stream of that name). */
	public synchronized void publish(URI api, String app, String name, String clientId) {
		list(api, new SrsStream(existing(api).id, "vid-" + Integer.toHexString(name.hashCode()), app, name, true,
				clientId));
	}

	/**
	 * Lists a stream whose publisher is gone but which SRS still holds (players on it, or
	 * a source not yet cleaned up).
	 */
	public synchronized void idle(URI api, String app, String name) {
		list(api, new SrsStream(existing(api).id, "vid-" + Integer.toHexString(name.hashCode()), app, name, false, ""));
	}

	public synchronized void unpublish(URI api, String app, String name) {
		existing(api).streams.removeIf(stream -> stream.app().equals(app) && stream.name().equals(name));
	}

	/**
	 * The server starts again: a new service id (its server id stays), and no stream.
	 */
	public synchronized void restart(URI api) {
		Server server = existing(api);
		server.streams.clear();
		server.starts++;
	}

	/** Reads of this server fail until {@link #recover(URI)}. */
	public synchronized void failWith(URI api, String reason) {
		existing(api).failure = reason;
	}

	public synchronized void recover(URI api) {
		existing(api).failure = null;
	}

	/** How many lists were read so far, failed reads included. */
	public synchronized int reads() {
		return this.reads;
	}

	/** One server's whole stream list, as SRS's API answers it to {@code SrsServers}. */
	public synchronized SrsListing list(URI api) {
		this.reads++;
		Server server = this.servers.get(api);
		if (server == null) {
			throw new SrsApiException("SRS API " + api + " could not be read: unknown host", null);
		}
		if (server.failure != null) {
			throw new SrsApiException("SRS API " + api + " could not be read: " + server.failure, null);
		}
		return new SrsListing(api, server.id, server.id + "-run" + server.starts, server.streams);
	}

	private void list(URI api, SrsStream stream) {
		unpublish(api, stream.app(), stream.name());
		existing(api).streams.add(stream);
	}

	private Server existing(URI api) {
		Server server = this.servers.get(api);
		if (server == null) {
			throw new IllegalArgumentException("no server " + api + "; add it with server(id) first");
		}
		return server;
	}

	private static final class Server {

		private final String id;

		private final List<SrsStream> streams = new ArrayList<>();

		private int starts = 1;

		private @Nullable String failure;

		private Server(String id) {
			this.id = id;
		}

	}

}
