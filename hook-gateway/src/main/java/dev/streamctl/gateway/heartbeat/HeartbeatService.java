package dev.streamctl.gateway.heartbeat;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.gateway.delivery.EventSink;
import dev.streamctl.gateway.hook.HookOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Turns SRS's heartbeats into {@link SrsHeartbeat} events, handed to the same delivery as
 * the hooks' events. Heartbeats come every few seconds from every SRS, so a delivered one
 * is logged at DEBUG only; what changes is logged at INFO: the first heartbeat of a
 * server this gateway hears of, and a new service id of a known server (SRS restarted).
 */
@Service
public class HeartbeatService {

	private static final Logger log = LoggerFactory.getLogger(HeartbeatService.class);

	/**
	 * Most servers whose service id is remembered for the INFO lines; past it, new
	 * servers are published and logged at DEBUG as usual, without that line.
	 */
	static final int MAX_TRACKED_SERVERS = 1024;

	private final EventSink delivery;

	private final Clock clock;

	private final Map<String, String> serviceByServer = new ConcurrentHashMap<>();

	HeartbeatService(EventSink delivery, Clock clock) {
		this.delivery = delivery;
		this.clock = clock;
	}

	/**
	 * Publishes one heartbeat; the answer completes once its event is safe (confirmed or
	 * spooled), or lost (logged by the delivery). Nothing here blocks the caller.
	 */
	public CompletableFuture<HookOutcome> handle(HeartbeatRequest beat) {
		SrsHeartbeat event = SrsHeartbeat.of(this.clock.instant(), beat.server(), beat.service(), beat.pid(),
				beat.deviceId(), beat.ip(), beat.rtmp(), beat.http(), beat.api());
		noteService(event);
		return this.delivery.deliver(event).thenApply(outcome -> {
			log.debug("{} of SRS {} service {} -> {} {}", event.routingKey(), event.serverId(), event.serviceId(),
					event.eventId(), outcome.name().toLowerCase(Locale.ROOT));
			return HookOutcome.of(outcome);
		});
	}

	private void noteService(SrsHeartbeat event) {
		String server = event.serverId();
		if (!this.serviceByServer.containsKey(server) && this.serviceByServer.size() >= MAX_TRACKED_SERVERS) {
			return;
		}
		String previous = this.serviceByServer.put(server, event.serviceId());
		if (previous == null) {
			log.info("Heartbeat of SRS {}: service {}, pid {}, ip {}, API {}", server, event.serviceId(), event.pid(),
					event.ip(), event.api());
		}
		else if (!previous.equals(event.serviceId())) {
			log.info("SRS {} restarted: service {} (pid {}) follows service {}", server, event.serviceId(), event.pid(),
					previous);
		}
	}

}
