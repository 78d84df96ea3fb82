package dev.streamctl.common.test.postgrest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * The database function {@code public.apply_stream_events(events jsonb)} of
 * {@code supabase/migrations/20261130000000_apply_stream_events.sql}, as PostgREST serves
 * it at {@code POST /rest/v1/rpc/apply_stream_events}: the same checks of its argument,
 * with the same errors, and the same results (see
 * {@link ChannelsTable#applyStreamEvents}). Also PostgREST's answer for a function its
 * schema cache does not have (PGRST202).
 */
final class ApplyStreamEvents {

	static final String NAME = "apply_stream_events";

	static final String PARAMETER = "events";

	private static final Pattern OFFSET = Pattern.compile("([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$");

	private ApplyStreamEvents() {
	}

	/** One element of {@code events}, as the function casts it. */
	record Event(String eventId, String streamKey, boolean live, Instant at) {
	}

	/** What the function answered for one element: a row of its result table. */
	record Result(String eventId, String result, String channelId) {
	}

	/**
	 * Calls the function with {@code events} (null for SQL NULL) against the table;
	 * throws what PostgreSQL raises, as PostgREST answers it (400).
	 */
	static List<Result> call(ChannelsTable table, JsonNode events) {
		if (events == null || !events.isArray()) {
			throw PostgrestException.postgres("22023", "apply_stream_events: events is not a JSON array");
		}
		int n = 0;
		for (JsonNode element : events) {
			n++;
			if (malformed(element)) {
				throw PostgrestException.postgres("22023",
						"apply_stream_events: element " + n
								+ " of events is not {\"event_id\": string, \"stream_key\": string, \"live\": boolean, "
								+ "\"at\": string with an offset}");
			}
		}
		List<Event> input = new ArrayList<>();
		for (JsonNode element : events) {
			input.add(new Event((String) Column.ID.parse(element.get("event_id").stringValue()),
					element.get("stream_key").stringValue(), element.get("live").booleanValue(),
					(Instant) Column.MODIFIED.parse(element.get("at").stringValue())));
		}
		return table.applyStreamEvents(input);
	}

	private static boolean malformed(JsonNode element) {
		if (!element.isObject()) {
			return true;
		}
		JsonNode eventId = element.get("event_id");
		JsonNode streamKey = element.get("stream_key");
		JsonNode live = element.get("live");
		JsonNode at = element.get("at");
		return eventId == null || !eventId.isString() || streamKey == null || !streamKey.isString() || live == null
				|| !live.isBoolean() || at == null || !at.isString() || !OFFSET.matcher(at.stringValue()).find();
	}

	/** The results as PostgREST writes a function's table: {@code json_agg}'s array. */
	static String render(List<Result> results) {
		StringBuilder json = new StringBuilder("[");
		for (int i = 0; i < results.size(); i++) {
			Result result = results.get(i);
			json.append((i > 0) ? ", \n " : "").append("{\"event_id\":");
			PostgrestException.appendQuoted(json, result.eventId());
			json.append(",\"result\":");
			PostgrestException.appendQuoted(json, result.result());
			json.append(",\"channel_id\":").append(PostgrestException.quote(result.channelId())).append('}');
		}
		return json.append(']').toString();
	}

	/**
	 * PGRST202: no function of this name takes these parameters (the body's keys, sorted,
	 * for a JSON body; a single unnamed parameter of {@code singleType} for a text, XML
	 * or binary body, where {@code singleType} is not null). PostgREST hints at a
	 * function of the same name with other parameters by a fuzzy match; this fake always
	 * does when {@code sameName} exists, and never hints at other names.
	 */
	static PostgrestException notFound(String name, Collection<String> keys, String singleType, boolean json,
			boolean sameName) {
		String function = "public." + name;
		if (singleType != null) {
			return PostgrestException.of(404, "PGRST202",
					"Searched for the function " + function + " with a single unnamed " + singleType
							+ " parameter, but no matches were found in the schema cache.",
					null, "Could not find the function " + function + " in the schema cache");
		}
		String parameters = keys.isEmpty() ? " without parameters"
				: " with parameter" + ((keys.size() > 1) ? "s " : " ") + String.join(", ", keys);
		String message = "Could not find the function " + function
				+ (keys.isEmpty() ? " without parameters" : "(" + String.join(", ", keys) + ")")
				+ " in the schema cache";
		String details = "Searched for the function " + function + parameters
				+ (json ? " or with a single unnamed json/jsonb parameter" : "")
				+ ", but no matches were found in the schema cache.";
		String hint = sameName ? "Perhaps you meant to call the function " + function + "(" + PARAMETER + ")" : null;
		return PostgrestException.of(404, "PGRST202", details, hint, message);
	}

}
