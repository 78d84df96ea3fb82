package dev.streamctl.status.reconcile;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelStore;
import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.srs.SrsApiException;
import dev.streamctl.srs.SrsStream;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.status.messaging.EventSender;
import dev.streamctl.status.servers.ServerRegistry;
import dev.streamctl.srs.SrsServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Repairs the store against SRS's API, on the leader only, comparing what every SRS lists
 * with what the store holds now (read fresh in bulk, never from a cache): a channel the
 * store shows live while no SRS lists its stream is set offline, and a stream SRS lists
 * as publishing whose channel shows offline is set live; a stream live in both is left
 * alone. Each correction is published as an event (source reconciler), so the thumbnail
 * workers follow and the log keeps it; an offline correction waits out the reconnect
 * grace and is dropped if SRS lists the stream again by then. An SRS that cannot be read
 * gives no ground to set anything offline.
 */
@Component
class Reconciler implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private final SrsServers srs;

	private final ChannelStore store;

	private final Leadership leadership;

	private final EventSender corrections;

	private final ReconcilerSettings settings;

	private final ServerRegistry servers;

	private final TaskScheduler scheduler;

	private final MeterRegistry meters;

	private final Clock clock;

	private @Nullable ScheduledFuture<?> schedule;

	private Instant lastRenewal = Instant.EPOCH;

	Reconciler(SrsServers srs, ChannelStore store, Leadership leadership, EventSender corrections,
			ReconcilerSettings settings, ServerRegistry servers, TaskScheduler scheduler, MeterRegistry meters,
			Clock clock) {
		this.srs = srs;
		this.store = store;
		this.leadership = leadership;
		this.corrections = corrections;
		this.settings = settings;
		this.servers = servers;
		this.scheduler = scheduler;
		this.meters = meters;
		this.clock = clock;
	}

	@Override
	public void start() {
		if (this.settings.enabled() && this.srs.isConfigured()) {
			this.schedule = this.scheduler.scheduleWithFixedDelay(this::tick, this.settings.interval());
		}
		else {
			log.info("Reconciler off: {}", this.settings.enabled() ? "no SRS API configured (SRS_APIS)" : "disabled");
		}
	}

	@Override
	public void stop() {
		if (this.schedule != null) {
			this.schedule.cancel(false);
		}
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null && !this.schedule.isCancelled();
	}

	void tick() {
		if (!this.leadership.isLeader()) {
			return;
		}
		try {
			reconcile();
		}
		catch (RuntimeException ex) {
			log.warn("Reconciliation failed, nothing more changed this round: {}", ex.getMessage());
			this.meters.counter("status.reconciler.runs", "result", "failed").increment();
		}
		if (this.clock.instant().isAfter(this.lastRenewal.plus(this.settings.leaderRenewal()))) {
			this.leadership.renew();
			this.lastRenewal = this.clock.instant();
		}
	}

	/** One round; answers the number of corrections published. */
	int reconcile() {
		List<SrsStream> publishing = new ArrayList<>();
		boolean complete = true;
		for (URI api : this.srs.apis()) {
			try {
				List<SrsStream> listed = this.srs.streams(api)
					.stream()
					.filter(stream -> stream.publishing() && this.settings.apps().contains(stream.app()))
					.toList();
				publishing.addAll(listed);
				remember(listed);
			}
			catch (SrsApiException ex) {
				complete = false;
				log.warn("Not reconciling against {}: {}", api, ex.getMessage());
			}
		}
		int corrected = setLive(publishing) + (complete ? setOffline(publishing) : 0);
		this.meters.counter("status.reconciler.runs", "result", complete ? "complete" : "partial").increment();
		return corrected;
	}

	/** Tells {@link ServerRegistry} which server lists which stream. */
	private void remember(List<SrsStream> listed) {
		Map<String, List<StreamKey>> byServer = new LinkedHashMap<>();
		for (SrsStream stream : listed) {
			try {
				byServer.computeIfAbsent(stream.serverId(), server -> new ArrayList<>())
					.add(StreamKey.of(stream.name()));
			}
			catch (IllegalArgumentException ex) {
				// not a name a channel can have
			}
		}
		byServer.forEach((serverId, keys) -> {
			if (!serverId.isEmpty()) {
				this.servers.listed(serverId, keys, this.clock.instant());
			}
		});
	}

	private int setLive(List<SrsStream> publishing) {
		Map<StreamKey, SrsStream> listed = new LinkedHashMap<>();
		for (SrsStream stream : publishing) {
			try {
				listed.putIfAbsent(StreamKey.of(stream.name()), stream);
			}
			catch (IllegalArgumentException ex) {
				// not a name a channel can have
			}
		}
		if (listed.isEmpty()) {
			return 0;
		}
		int corrected = 0;
		Map<StreamKey, Optional<Channel>> rows = this.store.read(listed.keySet());
		for (Map.Entry<StreamKey, SrsStream> entry : listed.entrySet()) {
			Channel channel = rows.getOrDefault(entry.getKey(), Optional.empty()).orElse(null);
			if (channel != null && !channel.live()) {
				SrsStream stream = entry.getValue();
				SrsSession session = new SrsSession(stream.serverId(), "", stream.clientId(), stream.streamId(), "",
						stream.app(), entry.getKey(), "", "");
				correct(StreamPublished.of(this.clock.instant(), EventSource.RECONCILER, session));
				corrected++;
				count("online");
			}
		}
		return corrected;
	}

	private int setOffline(List<SrsStream> publishing) {
		Set<String> active = new HashSet<>();
		publishing.forEach(stream -> active.add(stream.name()));
		String app = this.settings.apps().iterator().next();
		int corrected = 0;
		for (Channel channel : this.store.live()) {
			if (!active.contains(channel.streamKey().value())) {
				SrsSession session = new SrsSession("", "", "", "", "", app, channel.streamKey(), "", "");
				correct(StreamUnpublished.of(this.clock.instant(), EventSource.RECONCILER, session,
						StreamUnpublished.Reason.GONE));
				corrected++;
				count("offline");
			}
		}
		return corrected;
	}

	private void correct(StreamEvent event) {
		this.corrections.send(EventTopology.EXCHANGE, event.routingKey(), event);
		log.info("Corrected {}: {} ({})", event.session().stream(), event.routingKey(), event.eventId());
	}

	private void count(String correction) {
		this.meters.counter("status.reconciler.corrections", "set", correction).increment();
	}

}
