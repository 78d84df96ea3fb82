package dev.streamctl.common.test.postgrest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.streamctl.common.test.postgrest.PostgrestQuery.Selected;

/**
 * The rows of {@code channels_channel}, in insertion order, each an array indexed by
 * {@link Column#ordinal()}. Every method is atomic: a read sees no half-applied update,
 * and an update's filter and write are one step, so conditional updates
 * ({@code modified=lt.X}) are race-free between concurrent requests.
 */
final class ChannelsTable {

	private final List<Object[]> rows = new ArrayList<>();

	synchronized void insert(Object[] row) {
		this.rows.add(row.clone());
	}

	/** A copy of the row with this id, or {@code null}. */
	synchronized Map<String, Object> row(UUID id) {
		String key = id.toString();
		for (Object[] row : this.rows) {
			if (key.equals(row[Column.ID.ordinal()])) {
				return view(row);
			}
		}
		return null;
	}

	synchronized List<Map<String, Object>> rows() {
		List<Map<String, Object>> views = new ArrayList<>();
		this.rows.forEach(row -> views.add(view(row)));
		return Collections.unmodifiableList(views);
	}

	/**
	 * The requested page (copies) of the rows the query matches, and how many rows it
	 * matches in all.
	 */
	synchronized Page read(PostgrestQuery query) {
		List<Object[]> matching = new ArrayList<>();
		for (Object[] row : this.rows) {
			if (query.matches(row)) {
				matching.add(row);
			}
		}
		matching.sort(query.ordering());
		long from = Math.min(query.offset(), matching.size());
		long to = (query.limit() != null) ? Math.min(matching.size(), from + query.limit()) : matching.size();
		List<Object[]> page = new ArrayList<>();
		matching.subList((int) from, (int) to).forEach(row -> page.add(row.clone()));
		return new Page(page, matching.size());
	}

	/**
	 * Sets {@code values} on every row the query matches, all or nothing, and returns
	 * copies of the updated rows. No row matches when {@code hidden} (row-level security)
	 * or when there is nothing to set. Throws, changing nothing, PostgreSQL's 23502 (NULL
	 * into a NOT NULL column), 23505 (duplicate id), or PGRST116 when {@code singular}
	 * and the update would touch other than exactly one row.
	 */
	synchronized List<Object[]> update(PostgrestQuery query, Map<Column, Object> values, boolean hidden,
			boolean singular) {
		List<Object[]> matched = new ArrayList<>();
		if (!hidden && !values.isEmpty()) {
			this.rows.stream().filter(query::matches).forEach(matched::add);
		}
		List<Object[]> updated = new ArrayList<>();
		for (Object[] row : matched) {
			Object[] next = row.clone();
			values.forEach((column, value) -> next[column.ordinal()] = value);
			checkNotNull(next);
			updated.add(next);
		}
		if (values.containsKey(Column.ID)) {
			checkUniqueIds(matched, updated);
		}
		if (singular && updated.size() != 1) {
			throw singularityError(updated.size());
		}
		for (int i = 0; i < matched.size(); i++) {
			System.arraycopy(updated.get(i), 0, matched.get(i), 0, Column.values().length);
		}
		return updated;
	}

	/**
	 * Applies a batch as {@code apply_stream_events} does, in one step: per channel
	 * (found by {@code stream_id}) the event with the latest {@code at} wins, the first
	 * of equals; it is written when the row's {@code modified} is null or older (going
	 * live also sets the cover to {@code md5(id).jpg}). Every event is then, against the
	 * row as it was: {@code unknown_key} without a row, {@code applied} when it is the
	 * one written, {@code stale} when older than the row, {@code duplicate} when of the
	 * row's time or the winner's, else {@code superseded}. One result per event, in
	 * order.
	 */
	synchronized List<ApplyStreamEvents.Result> applyStreamEvents(List<ApplyStreamEvents.Event> events) {
		Map<String, Object[]> byKey = new LinkedHashMap<>();
		for (Object[] row : this.rows) {
			byKey.putIfAbsent((String) row[Column.STREAM_ID.ordinal()], row);
		}
		Map<Object[], Instant> before = new IdentityHashMap<>();
		Map<Object[], ApplyStreamEvents.Event> winners = new IdentityHashMap<>();
		for (ApplyStreamEvents.Event event : events) {
			Object[] row = byKey.get(event.streamKey());
			if (row != null) {
				before.put(row, (Instant) row[Column.MODIFIED.ordinal()]);
				winners.merge(row, event, (first, next) -> next.at().isAfter(first.at()) ? next : first);
			}
		}
		Set<ApplyStreamEvents.Event> applied = Collections.newSetFromMap(new IdentityHashMap<>());
		winners.forEach((row, winner) -> {
			Instant modified = before.get(row);
			if (modified == null || modified.isBefore(winner.at())) {
				row[Column.IS_ON_LIVE.ordinal()] = winner.live();
				row[Column.LAST_STATUS.ordinal()] = winner.live() ? "online" : "offline";
				if (winner.live()) {
					row[Column.COVER.ordinal()] = md5((String) row[Column.ID.ordinal()]) + ".jpg";
				}
				row[Column.MODIFIED.ordinal()] = winner.at();
				applied.add(winner);
			}
		});
		List<ApplyStreamEvents.Result> results = new ArrayList<>();
		for (ApplyStreamEvents.Event event : events) {
			Object[] row = byKey.get(event.streamKey());
			String result;
			if (row == null) {
				result = "unknown_key";
			}
			else if (applied.contains(event)) {
				result = "applied";
			}
			else if (before.get(row) != null && event.at().isBefore(before.get(row))) {
				result = "stale";
			}
			else {
				boolean duplicate = event.at().equals(before.get(row)) || event.at().equals(winners.get(row).at());
				result = duplicate ? "duplicate" : "superseded";
			}
			results.add(new ApplyStreamEvents.Result(event.eventId(), result,
					(row != null) ? (String) row[Column.ID.ordinal()] : null));
		}
		return results;
	}

	private static String md5(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is missing from this JVM", ex);
		}
	}

	/** PGRST116: a single JSON object was asked for and {@code count} rows came out. */
	static PostgrestException singularityError(int count) {
		return PostgrestException.of(406, "PGRST116", "The result contains " + count + " rows", null,
				"JSON object requested, multiple (or no) rows returned");
	}

	/**
	 * The rows as PostgREST's JSON: an array as {@code json_agg} writes it, or the single
	 * object.
	 */
	static String render(List<Object[]> rows, List<Selected> selection, boolean singular) {
		StringBuilder json = new StringBuilder();
		if (singular) {
			appendObject(json, rows.get(0), selection);
			return json.toString();
		}
		json.append('[');
		for (int i = 0; i < rows.size(); i++) {
			json.append((i > 0) ? ", \n " : "");
			appendObject(json, rows.get(i), selection);
		}
		return json.append(']').toString();
	}

	private static void appendObject(StringBuilder json, Object[] row, List<Selected> selection) {
		json.append('{');
		for (int i = 0; i < selection.size(); i++) {
			Selected selected = selection.get(i);
			json.append((i > 0) ? "," : "");
			PostgrestException.appendQuoted(json, selected.key());
			json.append(':');
			selected.column().appendJson(json, row[selected.column().ordinal()]);
		}
		json.append('}');
	}

	private static Map<String, Object> view(Object[] row) {
		Map<String, Object> view = new LinkedHashMap<>();
		for (Column column : Column.values()) {
			view.put(column.sqlName(), row[column.ordinal()]);
		}
		return Collections.unmodifiableMap(view);
	}

	private static void checkNotNull(Object[] row) {
		for (Column column : Column.values()) {
			if (row[column.ordinal()] == null && !column.nullable()) {
				List<String> values = new ArrayList<>();
				for (Column each : Column.values()) {
					values.add(each.text(row[each.ordinal()]));
				}
				throw PostgrestException.of(400, "23502", "Failing row contains (" + String.join(", ", values) + ").",
						null, "null value in column \"" + column.sqlName() + "\" of relation \"" + Column.TABLE
								+ "\" violates not-null constraint");
			}
		}
	}

	private void checkUniqueIds(List<Object[]> matched, List<Object[]> updated) {
		Set<Object> ids = new HashSet<>();
		for (Object[] row : this.rows) {
			if (!matched.contains(row)) {
				ids.add(row[Column.ID.ordinal()]);
			}
		}
		for (Object[] row : updated) {
			Object id = row[Column.ID.ordinal()];
			if (!ids.add(id)) {
				throw PostgrestException.of(409, "23505", "Key (id)=(" + id + ") already exists.", null,
						"duplicate key value violates unique constraint \"" + Column.TABLE + "_pkey\"");
			}
		}
	}

	/**
	 * A page of rows and the number of rows matched before {@code limit} and
	 * {@code offset}.
	 */
	record Page(List<Object[]> rows, int total) {
	}

}
