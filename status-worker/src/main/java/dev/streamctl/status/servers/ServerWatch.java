package dev.streamctl.status.servers;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.topology.EventTopology;
import dev.streamctl.srs.SrsApiException;
import dev.streamctl.srs.SrsStream;
import dev.streamctl.status.messaging.EventSender;
import dev.streamctl.status.reconcile.Leadership;
import dev.streamctl.status.reconcile.ReconcilerSettings;
import dev.streamctl.srs.SrsServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * On the leader, sets offline the streams of SRS servers that can no longer have them, as
 * {@link ServerRegistry} knows them:
 * <ul>
 * <li>a server restarted (a heartbeat with a new service id): the streams of its earlier
 * run that were not published again on the new one are set offline at once (reason
 * {@code server-restarted}, applied without the reconnect grace, since the new run is
 * there to take their publishers back);</li>
 * <li>a server sent no heartbeat for {@link ServerSettings#silence()} (when
 * {@link ServerSettings#goneDetection()}): its streams are set offline after the
 * reconnect grace (reason {@code server-gone}).</li>
 * </ul>
 * A stream any SRS API still lists as publishing is left alone either way, and streams of
 * other servers are never touched.
 */
@Component
public class ServerWatch implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ServerWatch.class);

	private final ServerRegistry servers;

	private final SrsServers srs;

	private final Leadership leadership;

	private final EventSender corrections;

	private final ServerSettings settings;

	private final ReconcilerSettings reconciler;

	private final TaskScheduler scheduler;

	private final MeterRegistry meters;

	private final Clock clock;

	private @Nullable ScheduledFuture<?> schedule;

	ServerWatch(ServerRegistry servers, SrsServers srs, Leadership leadership, EventSender corrections,
			ServerSettings settings, ReconcilerSettings reconciler, TaskScheduler scheduler, MeterRegistry meters,
			Clock clock) {
		this.servers = servers;
		this.srs = srs;
		this.leadership = leadership;
		this.corrections = corrections;
		this.settings = settings;
		this.reconciler = reconciler;
		this.scheduler = scheduler;
		this.meters = meters;
		this.clock = clock;
	}

	@Override
	public void start() {
		if (this.reconciler.enabled()) {
			this.schedule = this.scheduler.scheduleWithFixedDelay(this::tick, this.settings.checkInterval());
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
		try {
			check();
		}
		catch (RuntimeException ex) {
			log.warn("Checking the SRS servers failed, tried again in {}: {}", this.settings.checkInterval(),
					ex.getMessage());
		}
	}

	/** One check; answers the number of corrections published. */
	int check() {
		List<ServerRegistry.Restart> restarts = this.servers.takeRestarts();
		if (!this.leadership.isLeader()) {
			return 0;
		}
		Instant now = this.clock.instant();
		List<String> silent = this.settings.goneDetection()
				? this.servers.silentSince(now.minus(this.settings.silence())) : List.of();
		if (restarts.isEmpty() && silent.isEmpty()) {
			return 0;
		}
		Set<StreamKey> listed = listedAnywhere();
		int corrected = 0;
		for (ServerRegistry.Restart restart : restarts) {
			List<StreamKey> left = this.servers.leftBehind(restart);
			log.info("SRS {} restarted (service {} -> {}): {} stream(s) of its earlier run not published again",
					restart.serverId(), restart.previousServiceId(), restart.serviceId(), left.size());
			corrected += correct(restart.serverId(), left, listed, StreamUnpublished.Reason.SERVER_RESTARTED, now);
		}
		for (String serverId : silent) {
			List<StreamKey> streams = this.servers.streamsOf(serverId);
			log.warn(
					"SRS {} sent no heartbeat since {} ({} missed): setting its {} stream(s) offline unless an SRS "
							+ "API lists them",
					serverId, this.servers.lastHeartbeat(serverId), this.settings.missedHeartbeats(), streams.size());
			corrected += correct(serverId, streams, listed, StreamUnpublished.Reason.SERVER_GONE, now);
			this.servers.reportedSilent(serverId);
		}
		return corrected;
	}

	private int correct(String serverId, List<StreamKey> streams, Set<StreamKey> listed,
			StreamUnpublished.Reason reason, Instant now) {
		String app = this.reconciler.apps().iterator().next();
		int corrected = 0;
		for (StreamKey key : streams) {
			if (listed.contains(key)) {
				continue;
			}
			SrsSession session = new SrsSession(serverId, "", "", "", "", app, key, "", "");
			StreamUnpublished event = StreamUnpublished.of(now, EventSource.RECONCILER, session, reason);
			this.corrections.send(EventTopology.EXCHANGE, event.routingKey(), event);
			log.info("Corrected {}: {} {} ({})", key, event.routingKey(), reason.name().toLowerCase(Locale.ROOT),
					event.eventId());
			this.meters.counter("status.servers.corrections", "reason", reason.name().toLowerCase(Locale.ROOT))
				.increment();
			corrected++;
		}
		return corrected;
	}

	/**
	 * The streams some SRS API lists as publishing now; APIs that cannot be read add
	 * none.
	 */
	private Set<StreamKey> listedAnywhere() {
		Set<StreamKey> listed = new HashSet<>();
		for (URI api : this.srs.apis()) {
			try {
				for (SrsStream stream : this.srs.streams(api)) {
					if (stream.publishing()) {
						try {
							listed.add(StreamKey.of(stream.name()));
						}
						catch (IllegalArgumentException ex) {
							// not a name a channel can have
						}
					}
				}
			}
			catch (SrsApiException ex) {
				log.debug("SRS API {} cannot be read: {}", api, ex.getMessage());
			}
		}
		return listed;
	}

}
