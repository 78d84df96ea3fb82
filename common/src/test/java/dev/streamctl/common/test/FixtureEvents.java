package dev.streamctl.common.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsHeartbeat;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events as the gateway makes them from the captured SRS hooks ({@code on_publish.json},
 * {@code on_unpublish.json}) with the stream key, client id and time a test needs, and
 * from the captured heartbeat ({@code heartbeat_request.json}) with the server and
 * service ids a test needs.
 */
public final class FixtureEvents {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private FixtureEvents() {
	}

	public static StreamPublished published(String key, String clientId, Instant at) {
		return new StreamPublished(1, UUID.randomUUID(), at, EventSource.SRS_HOOK,
				session("on_publish.json", key, clientId));
	}

	public static StreamUnpublished unpublished(String key, String clientId, Instant at) {
		return new StreamUnpublished(1, UUID.randomUUID(), at, EventSource.SRS_HOOK,
				session("on_unpublish.json", key, clientId), StreamUnpublished.Reason.UNPUBLISHED);
	}

	/**
	 * What the gateway makes of a publisher's {@code on_close} that came without
	 * {@code on_unpublish}.
	 */
	public static StreamUnpublished closedWithoutUnpublish(String key, String clientId, Instant at) {
		return new StreamUnpublished(1, UUID.randomUUID(), at, EventSource.SRS_HOOK,
				session("on_publish.json", key, clientId), StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH);
	}

	/**
	 * What the gateway makes of SRS's {@code heartbeat}: the fixture's body, with these
	 * {@code server} and {@code service} ids, received at {@code at}.
	 */
	public static SrsHeartbeat heartbeat(String serverId, String serviceId, Instant at) {
		JsonNode beat = JSON
			.readTree(SrsFixtures.with("heartbeat_request.json", Map.of("server", serverId, "service", serviceId)));
		return new SrsHeartbeat(1, UUID.randomUUID(), at, EventSource.SRS_HOOK, beat.get("server").asString(),
				beat.get("service").asString(), beat.get("pid").asString(), beat.get("device_id").asString(),
				beat.get("ip").asString(), strings(beat.get("rtmp")), strings(beat.get("http")),
				strings(beat.get("api")));
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach(value -> values.add(value.asString()));
		return values;
	}

	private static SrsSession session(String fixture, String key, String clientId) {
		JsonNode hook = JSON.readTree(SrsFixtures.with(fixture, Map.of("stream", key, "client_id", clientId)));
		return new SrsSession(hook.get("server_id").asString(), hook.get("service_id").asString(),
				hook.get("client_id").asString(), hook.get("stream_id").asString(), hook.get("vhost").asString(),
				hook.get("app").asString(), StreamKey.of(hook.get("stream").asString()), hook.get("param").asString(),
				hook.get("ip").asString());
	}

}
