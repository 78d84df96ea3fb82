package dev.streamctl.common.test.postgrest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * The columns of {@code channels_channel}, in table order, with their PostgreSQL types.
 * Values are held as PostgreSQL would compare them: uuid as its lower-case canonical
 * text, text as {@link String}, boolean as {@link Boolean}, timestamptz as an
 * {@link Instant} truncated to microseconds; SQL NULL is {@code null}.
 */
enum Column {

	ID("id", Type.UUID, false),

	STREAM_ID("stream_id", Type.TEXT, false),

	IS_ON_LIVE("is_on_live", Type.BOOLEAN, false),

	LAST_STATUS("last_status", Type.TEXT, false),

	COVER("cover", Type.TEXT, true),

	MODIFIED("modified", Type.TIMESTAMPTZ, true);

	static final String TABLE = "channels_channel";

	private static final Pattern TIMESTAMP = Pattern.compile(
			"\\s*(\\d{4})-(\\d{1,2})-(\\d{1,2})" + "(?:(?:[Tt]|\\s+)(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d*))?)?)?"
					+ "\\s*(?:([Zz]|UTC|GMT)|([+-])(\\d{1,2})(?::?(\\d{2}))?)?\\s*");

	private final String sqlName;

	private final Type type;

	private final boolean nullable;

	Column(String sqlName, Type type, boolean nullable) {
		this.sqlName = sqlName;
		this.type = type;
		this.nullable = nullable;
	}

	String sqlName() {
		return this.sqlName;
	}

	boolean nullable() {
		return this.nullable;
	}

	boolean isBoolean() {
		return this.type == Type.BOOLEAN;
	}

	String typeName() {
		return this.type.sqlName;
	}

	/** The column called {@code name}, or {@code null}. */
	static Column named(String name) {
		for (Column column : values()) {
			if (column.sqlName.equals(name)) {
				return column;
			}
		}
		return null;
	}

	/** The column called {@code name}; else PostgreSQL's 42703. */
	static Column existing(String name) {
		Column column = named(name);
		if (column == null) {
			throw PostgrestException.postgres("42703", "column " + TABLE + "." + name + " does not exist");
		}
		return column;
	}

	/**
	 * {@code literal} read by this column type's input function; else 22P02, 22007 or
	 * 22008 as PostgreSQL answers.
	 */
	Object parse(String literal) {
		switch (this.type) {
			case UUID:
				return parseUuid(literal);
			case BOOLEAN:
				return parseBoolean(literal);
			case TIMESTAMPTZ:
				return parseTimestamp(literal);
			default:
				return literal;
		}
	}

	/**
	 * A JSON value of a PATCH body converted as {@code json_to_recordset} does: its text
	 * through {@link #parse}.
	 */
	Object fromJson(JsonNode node) {
		if (node.isNull()) {
			return null;
		}
		if (node.isString()) {
			return parse(node.stringValue());
		}
		return parse(node.isValueNode() ? node.asString() : node.toString());
	}

	/**
	 * Orders two non-null values of this column as PostgreSQL does (text in code-unit
	 * order, as collation C).
	 */
	// a column holds values of one Comparable type, known only at run time
	@SuppressWarnings({ "unchecked", "rawtypes" })
	int compare(Object left, Object right) {
		return ((Comparable) left).compareTo(right);
	}

	void appendJson(StringBuilder json, Object value) {
		if (value == null) {
			json.append("null");
		}
		else if (value instanceof Boolean) {
			json.append(value);
		}
		else if (value instanceof Instant) {
			PostgrestException.appendQuoted(json, formatTimestamp((Instant) value));
		}
		else {
			PostgrestException.appendQuoted(json, (String) value);
		}
	}

	/**
	 * The value as PostgreSQL's text output shows it in error details ({@code t},
	 * {@code null}, {@code 2026-01-01 00:00:00+00}).
	 */
	String text(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof Boolean) {
			return ((Boolean) value) ? "t" : "f";
		}
		if (value instanceof Instant) {
			return formatTimestamp((Instant) value).replace('T', ' ').replace("+00:00", "+00");
		}
		return (String) value;
	}

	/**
	 * The timestamptz as PostgREST's JSON shows it in UTC:
	 * {@code 2026-11-24T10:15:30.123+00:00}.
	 */
	static String formatTimestamp(Instant instant) {
		LocalDateTime time = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
		String text = String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", time.getYear(), time.getMonthValue(),
				time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond());
		int micros = time.getNano() / 1000;
		if (micros != 0) {
			text += ("." + String.format(Locale.ROOT, "%06d", micros)).replaceAll("0+$", "");
		}
		return text + "+00:00";
	}

	/** The instant as PostgreSQL stores a timestamptz: truncated to microseconds. */
	static Instant stored(Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.MICROS) : null;
	}

	private static String parseUuid(String literal) {
		String hex = literal;
		boolean braces = hex.startsWith("{");
		if (braces) {
			hex = hex.substring(1);
		}
		StringBuilder digits = new StringBuilder(32);
		int i = 0;
		for (int group = 0; group < 16; group++) {
			if (i + 2 > hex.length() || !isHex(hex.charAt(i)) || !isHex(hex.charAt(i + 1))) {
				throw invalid("uuid", literal);
			}
			digits.append(hex, i, i + 2);
			i += 2;
			if (i < hex.length() && hex.charAt(i) == '-' && group % 2 == 1 && group < 15) {
				i++;
			}
		}
		if (braces && i < hex.length() && hex.charAt(i) == '}') {
			i++;
		}
		else if (braces) {
			throw invalid("uuid", literal);
		}
		if (i != hex.length()) {
			throw invalid("uuid", literal);
		}
		String d = digits.toString().toLowerCase(Locale.ROOT);
		return d.substring(0, 8) + "-" + d.substring(8, 12) + "-" + d.substring(12, 16) + "-" + d.substring(16, 20)
				+ "-" + d.substring(20);
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

	private static Boolean parseBoolean(String literal) {
		String word = literal.strip().toLowerCase(Locale.ROOT);
		if (word.equals("1") || (!word.isEmpty() && ("true".startsWith(word) || "yes".startsWith(word)))
				|| word.equals("on")) {
			return Boolean.TRUE;
		}
		if (word.equals("0") || (!word.isEmpty() && ("false".startsWith(word) || "no".startsWith(word)))
				|| (word.length() > 1 && "off".startsWith(word))) {
			return Boolean.FALSE;
		}
		throw invalid("boolean", literal);
	}

	private static Instant parseTimestamp(String literal) {
		Matcher m = TIMESTAMP.matcher(literal);
		if (!m.matches()) {
			throw PostgrestException.postgres("22007",
					"invalid input syntax for type timestamp with time zone: \"" + literal + "\"");
		}
		try {
			LocalDateTime local = LocalDate.of(number(m.group(1)), number(m.group(2)), number(m.group(3)))
				.atTime(number(m.group(4)), number(m.group(5)), number(m.group(6)));
			return local.toInstant(offset(m)).plusNanos(fractionNanos(m.group(7)));
		}
		catch (DateTimeException ex) {
			throw PostgrestException.postgres("22008", "date/time field value out of range: \"" + literal + "\"");
		}
	}

	private static int number(String digits) {
		return (digits != null) ? Integer.parseInt(digits) : 0;
	}

	private static ZoneOffset offset(Matcher m) {
		if (m.group(9) == null) {
			return ZoneOffset.UTC;
		}
		int sign = m.group(9).equals("-") ? -1 : 1;
		return ZoneOffset.ofHoursMinutes(sign * number(m.group(10)), sign * number(m.group(11)));
	}

	private static long fractionNanos(String digits) {
		if (digits == null || digits.isEmpty()) {
			return 0;
		}
		BigDecimal micros = new BigDecimal("0." + digits).setScale(6, RoundingMode.HALF_EVEN);
		return micros.movePointRight(9).longValueExact();
	}

	private static PostgrestException invalid(String type, String literal) {
		return PostgrestException.postgres("22P02", "invalid input syntax for type " + type + ": \"" + literal + "\"");
	}

	private enum Type {

		UUID("uuid"), TEXT("text"), BOOLEAN("boolean"), TIMESTAMPTZ("timestamp with time zone");

		private final String sqlName;

		Type(String sqlName) {
			this.sqlName = sqlName;
		}

	}

}
