package dev.streamctl.gateway.heartbeat;

import java.util.ArrayList;
import java.util.List;

import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The fields of SRS 6's {@code heartbeat} body the gateway keeps:
 * {@code {"device_id","ip","server","service","pid"}}, and with {@code heartbeat { ports
 * on; }} the lists {@code "rtmp"}, {@code "http"} and {@code "api"} of listen addresses.
 * {@code server} and {@code service} are required; a text field the body leaves out, or
 * sets to null, reads as empty, and so does a missing list. Every value is text of at
 * most {@value #MAX_TEXT_LENGTH} characters without control characters, and a list holds
 * at most {@value #MAX_ADDRESSES} of them. Fields not listed here ({@code summaries},
 * {@code srt}, {@code rtc}) are ignored.
 */
public record HeartbeatRequest(String server, String service, String pid, String deviceId, String ip, List<String> rtmp,
		List<String> http, List<String> api) {

	static final int MAX_TEXT_LENGTH = 256;

	static final int MAX_ADDRESSES = 16;

	/**
	 * Reads a heartbeat body.
	 * @throws HookRejectedException naming what is wrong, never echoing the body
	 */
	public static HeartbeatRequest parse(ObjectMapper json, byte[] body) {
		JsonNode root = HookRequest.jsonObject(json, body);
		return new HeartbeatRequest(required(root, "server"), required(root, "service"), text(root, "pid"),
				text(root, "device_id"), text(root, "ip"), addresses(root, "rtmp"), addresses(root, "http"),
				addresses(root, "api"));
	}

	private static String required(JsonNode root, String field) {
		String value = text(root, field);
		if (value.isEmpty()) {
			throw HookRejectedException.invalid("field '" + field + "' is required for a heartbeat");
		}
		return value;
	}

	private static String text(JsonNode root, String field) {
		return checked(HookRequest.text(root, field), "field '" + field + "'");
	}

	private static List<String> addresses(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			return List.of();
		}
		if (!node.isArray()) {
			throw HookRejectedException.invalid("field '" + field + "' must be an array of strings");
		}
		if (node.size() > MAX_ADDRESSES) {
			throw HookRejectedException
				.invalid("field '" + field + "' holds " + node.size() + " addresses, at most " + MAX_ADDRESSES);
		}
		List<String> addresses = new ArrayList<>(node.size());
		for (JsonNode address : node) {
			if (!address.isString() || address.asString().isEmpty()) {
				throw HookRejectedException.invalid("field '" + field + "' must be an array of strings");
			}
			addresses.add(checked(address.asString(), "an address of '" + field + "'"));
		}
		return List.copyOf(addresses);
	}

	private static String checked(String value, String what) {
		if (value.length() > MAX_TEXT_LENGTH) {
			throw HookRejectedException.invalid(what + " is longer than " + MAX_TEXT_LENGTH + " characters");
		}
		if (value.chars().anyMatch(Character::isISOControl)) {
			throw HookRejectedException.invalid(what + " contains a control character");
		}
		return value;
	}

}
