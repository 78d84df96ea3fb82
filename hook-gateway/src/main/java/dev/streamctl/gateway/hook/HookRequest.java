package dev.streamctl.gateway.hook;

import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The fields of an SRS hook body the gateway uses. Which fields are required depends on
 * the action: {@code on_publish} and {@code on_unpublish} need {@code client_id},
 * {@code app} and {@code stream}; {@code on_close} needs {@code client_id}; the other
 * actions need nothing beyond {@code action}. A field the body leaves out, or sets to
 * null, reads as an empty string. Fields SRS adds that are not listed here are ignored.
 */
public record HookRequest(HookAction action, String serverId, String serviceId, String clientId, String streamId,
		String vhost, String app, String stream, String param, String ip) {

	private static final List<String> SESSION_FIELDS = List.of("client_id", "app", "stream");

	/**
	 * Reads a hook body.
	 * @throws HookRejectedException naming what is wrong, never echoing the body
	 */
	public static HookRequest parse(ObjectMapper json, byte[] body) {
		JsonNode root = jsonObject(json, body);
		String actionName = text(root, "action");
		if (actionName.isEmpty()) {
			throw HookRejectedException.invalid("field 'action' is required");
		}
		HookAction action = HookAction.fromSrsName(actionName)
			.orElseThrow(() -> HookRejectedException.invalid("unknown action; expected one of on_connect, on_close, "
					+ "on_publish, on_unpublish, on_play, on_stop, on_dvr, on_hls"));
		List<String> required = switch (action) {
			case ON_PUBLISH, ON_UNPUBLISH -> SESSION_FIELDS;
			case ON_CLOSE -> List.of("client_id");
			default -> List.of();
		};
		for (String field : required) {
			String value = text(root, field);
			if (value.isEmpty()) {
				throw HookRejectedException.invalid("field '" + field + "' is required for " + actionName);
			}
		}
		return new HookRequest(action, text(root, "server_id"), text(root, "service_id"), text(root, "client_id"),
				text(root, "stream_id"), text(root, "vhost"), text(root, "app"), text(root, "stream"),
				text(root, "param"), text(root, "ip"));
	}

	/**
	 * The body of an SRS callback as a JSON object.
	 * @throws HookRejectedException when it is not one, never echoing the body
	 */
	public static JsonNode jsonObject(ObjectMapper json, byte[] body) {
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw HookRejectedException.invalid("body is not valid JSON");
		}
		if (root == null || !root.isObject()) {
			throw HookRejectedException.invalid("body must be a JSON object");
		}
		return root;
	}

	/**
	 * A string field of a callback body, empty when absent or null.
	 * @throws HookRejectedException when it is of another type
	 */
	public static String text(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			return "";
		}
		if (!node.isString()) {
			throw HookRejectedException.invalid("field '" + field + "' must be a string");
		}
		return node.asString();
	}

}
