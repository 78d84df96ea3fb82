package dev.streamctl.status.servers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * What this instance knows of the SRS servers: each server's current run (its
 * {@code service_id}) and last heartbeat, from the heartbeats; and which server (and run)
 * each live stream was published on, from the publish and unpublish events and from the
 * reconciler's reads of SRS's API. Every instance learns it from its own servers queue,
 * so any of them can take over; an instance that just started knows the streams published
 * since, and those the reconciler's first round lists.
 */
@Component
public class ServerRegistry {

	private final Map<String, Server> servers = new HashMap<>();

	private final Map<StreamKey, Attribution> streams = new HashMap<>();

	private final List<Restart> restarts = new ArrayList<>();

	/**
	 * Takes a heartbeat; a new service id of a server known before is a restart, kept for
	 * {@link #takeRestarts()}.
	 */
	public synchronized void heartbeat(SrsHeartbeat heartbeat) {
		Server known = this.servers.get(heartbeat.serverId());
		Instant at = heartbeat.occurredAt();
		if (known == null) {
			this.servers.put(heartbeat.serverId(), new Server(heartbeat.serviceId(), at));
			return;
		}
		if (at.isBefore(known.lastHeartbeat)) {
			return;
		}
		if (known.serviceId.equals(heartbeat.serviceId())) {
			this.servers.put(heartbeat.serverId(), new Server(known.serviceId, at));
			return;
		}
		this.servers.put(heartbeat.serverId(), new Server(heartbeat.serviceId(), at));
		this.restarts.add(new Restart(heartbeat.serverId(), known.serviceId, heartbeat.serviceId(), at));
	}

	/** A stream went live on the server and run its session names. */
	public synchronized void published(StreamPublished event) {
		String serverId = event.session().serverId();
		if (serverId.isEmpty()) {
			return;
		}
		Attribution known = this.streams.get(event.session().stream());
		if (known != null && event.occurredAt().isBefore(known.since)) {
			return;
		}
		String serviceId = event.session().serviceId().isEmpty() ? currentService(serverId)
				: event.session().serviceId();
		this.streams.put(event.session().stream(), new Attribution(serverId, serviceId, event.occurredAt()));
	}

	/** A stream ended: forgotten, unless it was published again since, or elsewhere. */
	public synchronized void unpublished(StreamUnpublished event) {
		Attribution known = this.streams.get(event.session().stream());
		if (known == null || event.occurredAt().isBefore(known.since)) {
			return;
		}
		String serverId = event.session().serverId();
		if (serverId.isEmpty() || serverId.equals(known.serverId)) {
			this.streams.remove(event.session().stream());
		}
	}

	/**
	 * A server's API lists these streams as publishing: each not known to be on another
	 * server is taken for one of this server's current run.
	 */
	public synchronized void listed(String serverId, Collection<StreamKey> keys, Instant at) {
		for (StreamKey key : keys) {
			Attribution known = this.streams.get(key);
			if (known == null || known.serverId.equals(serverId)) {
				String serviceId = (known != null && known.serverId.equals(serverId) && !known.serviceId.isEmpty())
						? known.serviceId : currentService(serverId);
				this.streams.put(key, new Attribution(serverId, serviceId, (known != null) ? known.since : at));
			}
		}
	}

	/** The restarts seen since the last call, oldest first. */
	public synchronized List<Restart> takeRestarts() {
		List<Restart> taken = List.copyOf(this.restarts);
		this.restarts.clear();
		return taken;
	}

	/**
	 * The streams of a restarted server's earlier runs that were not published again on
	 * its new run.
	 */
	public synchronized List<StreamKey> leftBehind(Restart restart) {
		List<StreamKey> keys = new ArrayList<>();
		this.streams.forEach((key, attribution) -> {
			if (!attribution.serverId.equals(restart.serverId())) {
				return;
			}
			boolean earlierRun = attribution.serviceId.isEmpty() ? attribution.since.isBefore(restart.at())
					: !attribution.serviceId.equals(restart.serviceId());
			if (earlierRun) {
				keys.add(key);
			}
		});
		return keys;
	}

	/**
	 * The servers whose last heartbeat is older than {@code since}, and that were not
	 * reported silent since that heartbeat.
	 */
	public synchronized List<String> silentSince(Instant since) {
		List<String> silent = new ArrayList<>();
		this.servers.forEach((serverId, server) -> {
			if (server.lastHeartbeat.isBefore(since) && !server.reportedSilent) {
				silent.add(serverId);
			}
		});
		return silent;
	}

	/** Reports a server silent until its next heartbeat. */
	public synchronized void reportedSilent(String serverId) {
		Server server = this.servers.get(serverId);
		if (server != null) {
			server.reportedSilent = true;
		}
	}

	/** The streams known to be live on a server. */
	public synchronized List<StreamKey> streamsOf(String serverId) {
		List<StreamKey> keys = new ArrayList<>();
		this.streams.forEach((key, attribution) -> {
			if (attribution.serverId.equals(serverId)) {
				keys.add(key);
			}
		});
		return keys;
	}

	/** The service id of a server's current run, empty when no heartbeat came yet. */
	public synchronized String currentService(String serverId) {
		Server server = this.servers.get(serverId);
		return (server != null) ? server.serviceId : "";
	}

	/** The time of a server's last heartbeat, or null when none came. */
	public synchronized @Nullable Instant lastHeartbeat(String serverId) {
		Server server = this.servers.get(serverId);
		return (server != null) ? server.lastHeartbeat : null;
	}

	/**
	 * A server restarted: its heartbeat at {@code at} came with a new service id.
	 */
	public record Restart(String serverId, String previousServiceId, String serviceId, Instant at) {

		public Restart {
			Objects.requireNonNull(serverId, "serverId");
		}

	}

	private static final class Server {

		private final String serviceId;

		private final Instant lastHeartbeat;

		private boolean reportedSilent;

		Server(String serviceId, Instant lastHeartbeat) {
			this.serviceId = serviceId;
			this.lastHeartbeat = lastHeartbeat;
		}

	}

	private record Attribution(String serverId, String serviceId, Instant since) {
	}

}
