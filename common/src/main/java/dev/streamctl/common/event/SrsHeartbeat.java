package dev.streamctl.common.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An SRS server said it is alive: its {@code heartbeat} POST, which SRS sends at the
 * configured interval from its start on. Not a stream event: no stream consumer is bound
 * to it, and the log keeps it.
 *
 * <p>
 * {@link #serverId()} is the same id as the hooks' {@code server_id} (one SRS, kept
 * across restarts as long as its files are); {@link #serviceId()} is new at every start
 * of SRS, so a heartbeat with another service id than the last one of its server says SRS
 * restarted, and the publishers of its earlier run are gone.
 *
 * @param occurredAt when the gateway received the heartbeat
 * @param serverId SRS's {@code server}
 * @param serviceId SRS's {@code service}
 * @param pid SRS's process id, as SRS sends it (text); empty if it sent none
 * @param deviceId the {@code heartbeat { device_id }} of SRS's configuration; empty if
 * none
 * @param ip the address SRS reports for itself (its first local address, or
 * {@code SRS_DEVICE_IP}); empty if none
 * @param rtmp SRS's RTMP listen addresses as configured: a port ({@code 1935}) or
 * {@code host:port}; empty unless SRS's {@code heartbeat { ports on; }}
 * @param http the listen address of SRS's HTTP server (HTTP-FLV), likewise; empty also
 * when that server is off
 * @param api the listen address of SRS's HTTP API, likewise; empty also when the API is
 * off
 */
public record SrsHeartbeat(int schemaVersion, UUID eventId, Instant occurredAt, EventSource source, String serverId,
		String serviceId, String pid, String deviceId, String ip, List<String> rtmp, List<String> http,
		List<String> api) implements SrsEvent {

	public static final String ROUTING_KEY = "srs.heartbeat";

	public SrsHeartbeat {
		Events.requireSchema(schemaVersion);
		Objects.requireNonNull(eventId, "eventId is required");
		Objects.requireNonNull(occurredAt, "occurredAt is required");
		Objects.requireNonNull(source, "source is required");
		serverId = required(serverId, "serverId");
		serviceId = required(serviceId, "serviceId");
		pid = Objects.requireNonNullElse(pid, "");
		deviceId = Objects.requireNonNullElse(deviceId, "");
		ip = Objects.requireNonNullElse(ip, "");
		rtmp = addresses(rtmp, "rtmp");
		http = addresses(http, "http");
		api = addresses(api, "api");
	}

	/**
	 * A new heartbeat received by the hook gateway, with a fresh id, in the current
	 * schema version.
	 */
	public static SrsHeartbeat of(Instant occurredAt, String serverId, String serviceId, String pid, String deviceId,
			String ip, List<String> rtmp, List<String> http, List<String> api) {
		return new SrsHeartbeat(SCHEMA_VERSION, UUID.randomUUID(), occurredAt, EventSource.SRS_HOOK, serverId,
				serviceId, pid, deviceId, ip, rtmp, http, api);
	}

	@Override
	public String routingKey() {
		return ROUTING_KEY;
	}

	private static String required(@Nullable String value, String name) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException(name + " is required");
		}
		return value;
	}

	private static List<String> addresses(@Nullable List<String> addresses, String name) {
		if (addresses == null) {
			return List.of();
		}
		if (addresses.stream().anyMatch(Objects::isNull)) {
			throw new IllegalArgumentException(name + " holds a null address");
		}
		return List.copyOf(addresses);
	}

}
