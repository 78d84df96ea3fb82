package dev.streamctl.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.streamctl.store.AppliedChange.Result;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The store's {@code apply_stream_events(events jsonb)} function as PostgREST serves it
 * ({@code POST /rest/v1/rpc/apply_stream_events}): the request body, the reading of its
 * answer, and whether it is worth calling. The function is shipped as a migration that an
 * operator applies; until then PostgREST answers 404 {@code PGRST202}, which is said once
 * per client with a WARN naming the migration, and remembered for {@link #RECHECK_AFTER},
 * so that applying the migration later takes effect without a restart. The function names
 * the original design's table and columns in its SQL, so a store configured with others
 * never calls it (said once, at INFO).
 */
final class StreamEventsFunction {

	static final String NAME = "apply_stream_events";

	/** The path of the call, relative to the REST API's root. */
	static final String PATH = "/rpc/" + NAME;

	/** The migration that creates the function, as shipped in the repository. */
	static final String MIGRATION = "supabase/migrations/20261130000000_apply_stream_events.sql";

	/** How long a missing function is believed missing before it is asked for again. */
	static final Duration RECHECK_AFTER = Duration.ofMinutes(5);

	private static final Logger log = LoggerFactory.getLogger(SupabaseChannelStore.class);

	private final boolean usable;

	private final String table;

	private final Clock clock;

	private final AtomicBoolean warnedMissing = new AtomicBoolean();

	private final AtomicBoolean toldUnusable = new AtomicBoolean();

	private volatile @Nullable Instant missingUntil;

	StreamEventsFunction(SupabaseSettings settings, Clock clock) {
		this.usable = settings.originalDesign();
		this.table = settings.table();
		this.clock = clock;
	}

	/**
	 * Whether to call the function now: not for a table it cannot serve, nor while it is
	 * believed missing.
	 */
	boolean worthCalling() {
		if (!this.usable) {
			if (this.toldUnusable.compareAndSet(false, true)) {
				log.info("Writing live states row by row: the store's {} function only serves the original table "
						+ "channels_channel and its column names, and SUPABASE_TABLE or SUPABASE_COLUMNS_* name "
						+ "others ({})", NAME, this.table);
			}
			return false;
		}
		Instant until = this.missingUntil;
		return until == null || !this.clock.instant().isBefore(until);
	}

	/** PostgREST answered that the function does not exist. */
	void missing() {
		this.missingUntil = this.clock.instant().plus(RECHECK_AFTER);
		if (this.warnedMissing.compareAndSet(false, true)) {
			log.warn("The store has no function {}: live states are written row by row, one request per event, "
					+ "which is slow for bursts. Apply the migration {} to the Supabase database (supabase db push, "
					+ "or paste it into the SQL editor); PostgREST then needs its schema reloaded (NOTIFY pgrst, "
					+ "'reload schema'). This worker asks again every {} and uses the function once it exists, "
					+ "without a restart.", NAME, MIGRATION, RECHECK_AFTER.toMinutes() + " minutes");
		}
	}

	/** The function answered: it exists. */
	void found() {
		if (this.missingUntil != null) {
			this.missingUntil = null;
			log.info("The store's function {} exists now: live states are written in batches", NAME);
		}
	}

	/** Whether an error answer says the function does not exist. */
	static boolean isMissing(DirectoryException failure) {
		return failure instanceof DirectoryRejectedException rejected && rejected.status() == 404
				&& "PGRST202".equals(rejected.code());
	}

	/**
	 * The body: {@code {"events":[{"event_id","stream_key","live","at"}]}}, {@code at} to
	 * the microsecond as the column keeps it.
	 */
	static Map<String, Object> body(List<LiveStateChange> changes) {
		List<Map<String, Object>> events = new ArrayList<>(changes.size());
		for (LiveStateChange change : changes) {
			Map<String, Object> event = new LinkedHashMap<>();
			event.put("event_id", change.eventId().toString());
			event.put("stream_key", change.key().value());
			event.put("live", change.state().live());
			event.put("at", ChannelTable.stamp(change.at()).toString());
			events.add(event);
		}
		return Map.of("events", events);
	}

	/**
	 * The answer, a JSON array of {@code {"event_id","result","channel_id"}}, one per
	 * change.
	 */
	static List<AppliedChange> results(JsonNode answer, int changes) {
		if (!answer.isArray()) {
			throw unexpected("other than a JSON array");
		}
		List<AppliedChange> results = new ArrayList<>(changes);
		for (JsonNode row : answer) {
			JsonNode channel = row.get("channel_id");
			results.add(new AppliedChange(UUID.fromString(text(row, "event_id")), result(text(row, "result")),
					(channel == null || channel.isNull()) ? null : UUID.fromString(channel.asString())));
		}
		if (results.size() != changes) {
			throw unexpected(results.size() + " results for " + changes + " changes");
		}
		return results;
	}

	private static String text(JsonNode row, String field) {
		JsonNode value = row.get(field);
		if (value == null || !value.isString()) {
			throw unexpected("a result without " + field);
		}
		return value.asString();
	}

	private static Result result(String text) {
		try {
			return Result.valueOf(text.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw unexpected("the result '" + text + "'");
		}
	}

	private static DirectoryRejectedException unexpected(String what) {
		return new DirectoryRejectedException(200, "", "the store's " + NAME + " function answered " + what
				+ ", which this worker does not know: is its migration (" + MIGRATION + ") of another version?");
	}

}
