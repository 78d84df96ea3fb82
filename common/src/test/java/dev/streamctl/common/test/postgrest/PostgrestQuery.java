package dev.streamctl.common.test.postgrest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The query string of a request to {@code channels_channel}, read as PostgREST 12 reads
 * it: split on {@code &} and {@code ;}, name and value split on the first {@code =}, both
 * URL-decoded with {@code +} as a space. Parameters named {@code select}, {@code order},
 * {@code limit}, {@code offset}, {@code or}, {@code and} (and {@code not.or},
 * {@code not.and}) have their own meaning; any other parameter is a filter when its value
 * starts with an operator ({@code eq.}, {@code not.}, {@code in.}, {@code is.}, ...), and
 * is ignored otherwise, as PostgREST ignores it on tables.
 * <p>
 * {@link #parse} reports syntax errors (PGRST100) only; names and literals are checked
 * against the table by {@link #bind()} and {@link #selection()}, which throw PostgreSQL's
 * errors (42703, 22P02, 22007).
 */
final class PostgrestQuery {

	static final Set<String> OPERATORS = Set.of("eq", "gte", "gt", "lte", "lt", "neq", "like", "ilike", "cs", "cd",
			"ov", "sl", "sr", "nxr", "nxl", "adj", "match", "imatch");

	static final Set<String> FTS_OPERATORS = Set.of("fts", "plfts", "phfts", "wfts");

	private static final Set<String> RESERVED = Set.of("select", "columns", "on_conflict");

	private static final Set<String> RESERVED_ENDINGS = Set.of("order", "limit", "offset", "and", "or");

	private static final Pattern INTEGER = Pattern.compile("\\s*-?\\d{1,18}\\s*");

	private final List<String[]> params;

	private final List<SelectItem> select;

	private final List<Condition> conditions = new ArrayList<>();

	private final List<OrderTerm> order = new ArrayList<>();

	private final List<String> embedded = new ArrayList<>();

	private boolean hasColumns;

	private Long limit;

	private long offset;

	private PostgrestQuery(List<String[]> params) {
		this.params = params;
		String select = "*";
		for (String[] param : params) {
			if (param[0].equals("select")) {
				select = (param[1] != null) ? param[1] : select;
				break;
			}
		}
		for (String[] param : params) {
			if (param[1] != null && lastWord(param[0]).equals("order")) {
				parseOrder(param[0], param[1]);
			}
		}
		for (String[] param : params) {
			if (param[1] != null && (lastWord(param[0]).equals("and") || lastWord(param[0]).equals("or"))) {
				parseLogic(param[0], param[1]);
			}
		}
		this.select = parseSelect(select);
		for (String[] param : params) {
			if (param[1] != null && isFilter(param[0], param[1])) {
				parseFilter(param[0], param[1]);
			}
		}
		readRange();
	}

	/**
	 * Parses {@code rawQuery} (may be null); throws PGRST100 for a parameter that does
	 * not parse, PGRST103 for a negative limit.
	 */
	static PostgrestQuery parse(String rawQuery) {
		return new PostgrestQuery(decode(rawQuery));
	}

	/**
	 * Resolves filters and order against the table: PGRST108 for an embedded resource,
	 * 42703, 22P02, 22007, 42804.
	 */
	void bind() {
		if (!this.embedded.isEmpty()) {
			String resource = this.embedded.get(0);
			throw PostgrestException.of(400, "PGRST108", null,
					"Verify that '" + resource + "' is included in the 'select' query parameter.",
					"'" + resource + "' is not an embedded resource in this request");
		}
		if (this.hasColumns) {
			throw PostgrestException.unsupported("the columns parameter");
		}
		this.conditions.forEach(Condition::bind);
		this.order.forEach(OrderTerm::bind);
	}

	/**
	 * The selected columns in answer order: PGRST200 for an embedding, 42703 for an
	 * unknown column.
	 */
	List<Selected> selection() {
		List<Selected> selected = new ArrayList<>();
		for (SelectItem item : this.select) {
			if (item.relation != null) {
				throw PostgrestException.of(400, "PGRST200",
						"Searched for a foreign key relationship between '" + Column.TABLE + "' and '" + item.relation
								+ "' in the schema 'public', but no matches were found.",
						null, "Could not find a relationship between '" + Column.TABLE + "' and '" + item.relation
								+ "' in the schema cache");
			}
			if (item.field == null) {
				for (Column column : Column.values()) {
					selected.add(new Selected(column.sqlName(), column));
				}
				continue;
			}
			if (item.field.jsonPath || item.cast != null) {
				throw PostgrestException.unsupported("JSON paths and casts in select");
			}
			Column column = Column.existing(item.field.name);
			selected.add(new Selected((item.alias != null) ? item.alias : column.sqlName(), column));
		}
		return selected;
	}

	/**
	 * Whether the row satisfies every filter and logic tree: SQL three-valued, so only
	 * TRUE matches.
	 */
	boolean matches(Object[] row) {
		for (Condition condition : this.conditions) {
			if (!Boolean.TRUE.equals(condition.test(row))) {
				return false;
			}
		}
		return true;
	}

	/** Whether the request has a WHERE clause (at least one filter or logic tree). */
	boolean hasWhere() {
		return !this.conditions.isEmpty();
	}

	/** The rows in the requested order; rows equal under it keep their table order. */
	Comparator<Object[]> ordering() {
		Comparator<Object[]> ordering = (left, right) -> 0;
		for (OrderTerm term : this.order) {
			ordering = ordering.thenComparing(term::compare);
		}
		return ordering;
	}

	boolean hasRange() {
		return this.limit != null || this.offset != 0;
	}

	Long limit() {
		return this.limit;
	}

	long offset() {
		return this.offset;
	}

	/**
	 * The parameters sorted by name and URL-encoded as PostgREST's
	 * {@code Content-Location} shows them.
	 */
	String canonical() {
		List<String[]> sorted = new ArrayList<>(this.params);
		sorted.sort(Comparator.comparing(param -> param[0]));
		StringBuilder canonical = new StringBuilder();
		for (int i = 0; i < sorted.size(); i++) {
			String name = sorted.get(i)[0];
			if (i > 0 && name.equals(sorted.get(i - 1)[0])) {
				canonical.append(',').append(encode(sorted.get(i)[1]));
				continue;
			}
			canonical.append((i > 0) ? "&" : "").append(encode(name)).append('=').append(encode(sorted.get(i)[1]));
		}
		return canonical.toString();
	}

	private static List<String[]> decode(String rawQuery) {
		List<String[]> params = new ArrayList<>();
		if (rawQuery == null || rawQuery.isEmpty()) {
			return params;
		}
		for (String pair : rawQuery.split("[&;]", -1)) {
			int equals = pair.indexOf('=');
			String name = urlDecode((equals < 0) ? pair : pair.substring(0, equals));
			params.add(new String[] { name, (equals < 0) ? null : urlDecode(pair.substring(equals + 1)) });
		}
		return params;
	}

	/**
	 * The first value of the parameter {@code name} in {@code rawQuery}, or {@code null}.
	 */
	static String firstValue(String rawQuery, String name) {
		for (String[] param : decode(rawQuery)) {
			if (param[0].equals(name)) {
				return param[1];
			}
		}
		return null;
	}

	/**
	 * {@code text} with its {@code %XX} escapes decoded as UTF-8 and {@code +} kept, as
	 * in a URL path.
	 */
	static String percentDecode(String text) {
		return urlDecode(text, false);
	}

	private static String urlDecode(String text) {
		return urlDecode(text, true);
	}

	private static String urlDecode(String text, boolean plusIsSpace) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '+' && plusIsSpace) {
				bytes.write(' ');
			}
			else if (c == '%' && i + 2 < text.length() && hexValue(text.charAt(i + 1)) >= 0
					&& hexValue(text.charAt(i + 2)) >= 0) {
				bytes.write(hexValue(text.charAt(i + 1)) * 16 + hexValue(text.charAt(i + 2)));
				i += 2;
			}
			else {
				int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
				bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
				i = end - 1;
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static int hexValue(char c) {
		return Character.digit(c, 16);
	}

	private static String encode(String text) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : ((text != null) ? text : "").getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c < 128 && Character.isLetterOrDigit(c)) || "-_.~".indexOf(c) >= 0) {
				encoded.append(c);
			}
			else {
				encoded.append('%')
					.append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
			}
		}
		return encoded.toString();
	}

	private static String lastWord(String name) {
		return name.substring(name.lastIndexOf('.') + 1);
	}

	private static boolean isFilter(String name, String value) {
		if (RESERVED.contains(name) || RESERVED_ENDINGS.contains(lastWord(name))) {
			return false;
		}
		String[] words = value.split("\\.", -1);
		String first = words[0];
		boolean hasOperator = (first.equals("not") && words.length > 1) || first.equals("is") || first.equals("in")
				|| OPERATORS.contains(first) || FTS_OPERATORS.contains(first);
		int paren = value.indexOf('(');
		boolean hasFts = paren >= 0 && FTS_OPERATORS.contains(value.substring(0, paren));
		return name.contains(".") || hasOperator || hasFts;
	}

	private void parseFilter(String name, String value) {
		Field field = parseWhole("tree path", name, Cursor::treePath);
		OpExpr expr = parseWhole("filter", value, cursor -> cursor.opExpr(false));
		if (field == null) {
			this.embedded.add(name.substring(0, name.indexOf('.')));
			return;
		}
		this.conditions.add(new Filter(field, expr));
	}

	private void parseLogic(String name, String value) {
		List<String> path = new ArrayList<>(List.of(name.split("\\.", -1)));
		boolean negated = path.remove("not");
		String operator = path.remove(path.size() - 1);
		String tree = (negated ? "not." : "") + operator + value;
		Condition condition = parseWhole("logic tree", value, tree, Cursor::logicTree);
		if (!path.isEmpty()) {
			this.embedded.add(path.get(0));
			return;
		}
		this.conditions.add(condition);
	}

	private void parseOrder(String name, String value) {
		List<OrderTerm> terms = parseWhole("order", value, Cursor::orderTerms);
		if (name.contains(".")) {
			this.embedded.add(name.substring(0, name.indexOf('.')));
			return;
		}
		this.order.clear();
		this.order.addAll(terms);
	}

	private List<SelectItem> parseSelect(String value) {
		return parseWhole("select parameter", value, Cursor::selectItems);
	}

	private void readRange() {
		for (String[] param : this.params) {
			if (param[1] == null) {
				continue;
			}
			if (param[0].equals("limit")) {
				this.limit = INTEGER.matcher(param[1]).matches() ? Long.parseLong(param[1].strip()) : null;
			}
			else if (param[0].equals("offset")) {
				this.offset = INTEGER.matcher(param[1]).matches() ? Long.parseLong(param[1].strip()) : 0;
			}
			else if (param[0].equals("columns")) {
				this.hasColumns = true;
			}
		}
		if (this.limit != null && this.limit < 0) {
			throw PostgrestException.of(416, "PGRST103", "Limit should be greater than or equal to zero.", null,
					"Requested range not satisfiable");
		}
		if (this.offset < 0) {
			throw PostgrestException.postgres("2201X", "OFFSET must not be negative");
		}
	}

	private static <T> T parseWhole(String what, String text, Function<Cursor, T> grammar) {
		return parseWhole(what, text, text, grammar);
	}

	private static <T> T parseWhole(String what, String shown, String text, Function<Cursor, T> grammar) {
		Cursor cursor = new Cursor(text);
		try {
			return grammar.apply(cursor);
		}
		catch (Cursor.Failure failure) {
			throw PostgrestException.parse(what, shown, cursor.furthest() + 1, cursor.details());
		}
	}

	/**
	 * One filter or logic tree; {@link #test} answers TRUE, FALSE or {@code null} (SQL
	 * NULL).
	 */
	interface Condition {

		void bind();

		Boolean test(Object[] row);

	}

	/**
	 * A column name of a select, filter or order, and whether a JSON path ({@code ->})
	 * follows it.
	 */
	record Field(String name, boolean jsonPath) {
	}

	/**
	 * An operator and its raw operand(s): one value, or the list of {@code in}, or the
	 * word of {@code is}.
	 */
	record OpExpr(boolean negated, String operator, List<String> operands) {
	}

	/**
	 * One item of {@code select}: a column (with alias or cast), {@code *} (no field), or
	 * an embedding (relation).
	 */
	record SelectItem(String alias, Field field, String cast, String relation) {
	}

	/** A column in the answer under the key {@code key}. */
	record Selected(String key, Column column) {
	}

	/**
	 * {@code col.op.value}: PostgreSQL's {@code col op 'value'} (or
	 * {@code col = ANY(..)}, {@code col IS ..}).
	 */
	static final class Filter implements Condition {

		private final Field field;

		private final OpExpr expr;

		private Column column;

		private List<Object> operands;

		Filter(Field field, OpExpr expr) {
			this.field = field;
			this.expr = expr;
		}

		@Override
		public void bind() {
			if (this.field.jsonPath()) {
				throw PostgrestException.unsupported("JSON paths in filters");
			}
			this.column = Column.existing(this.field.name());
			this.operands = new ArrayList<>();
			String operator = this.expr.operator();
			if (operator.equals("is")) {
				String word = this.expr.operands().get(0);
				if (!word.equals("null") && !this.column.isBoolean()) {
					throw PostgrestException.postgres("42804", "argument of IS " + word.toUpperCase()
							+ " must be type boolean, not type " + this.column.typeName());
				}
				return;
			}
			if (!operator.equals("in") && !Set.of("eq", "neq", "lt", "lte", "gt", "gte").contains(operator)) {
				throw PostgrestException.unsupported("the " + operator + " operator");
			}
			List<String> raw = this.expr.operands();
			if (!(operator.equals("in") && raw.size() == 1 && raw.get(0).isEmpty())) {
				raw.forEach(value -> this.operands.add(this.column.parse(value)));
			}
		}

		@Override
		public Boolean test(Object[] row) {
			Boolean result = evaluate(row[this.column.ordinal()]);
			if (result == null || !this.expr.negated()) {
				return result;
			}
			return !result;
		}

		private Boolean evaluate(Object value) {
			String operator = this.expr.operator();
			if (operator.equals("is")) {
				String word = this.expr.operands().get(0);
				return (word.equals("null") || word.equals("unknown")) ? value == null
						: Boolean.valueOf(word.equals("true")).equals(value);
			}
			if (value == null) {
				return null;
			}
			if (operator.equals("in")) {
				return this.operands.stream().anyMatch(operand -> this.column.compare(value, operand) == 0);
			}
			int c = this.column.compare(value, this.operands.get(0));
			switch (operator) {
				case "eq":
					return c == 0;
				case "neq":
					return c != 0;
				case "lt":
					return c < 0;
				case "lte":
					return c <= 0;
				case "gt":
					return c > 0;
				default:
					return c >= 0;
			}
		}

	}

	/**
	 * {@code or(..)}, {@code and(..)}, possibly negated: SQL's three-valued OR and AND.
	 */
	static final class Logic implements Condition {

		private final boolean or;

		private final boolean negated;

		private final List<Condition> children;

		Logic(boolean or, boolean negated, List<Condition> children) {
			this.or = or;
			this.negated = negated;
			this.children = children;
		}

		@Override
		public void bind() {
			this.children.forEach(Condition::bind);
		}

		@Override
		public Boolean test(Object[] row) {
			Boolean decisive = this.or;
			boolean unknown = false;
			for (Condition child : this.children) {
				Boolean result = child.test(row);
				if (decisive.equals(result)) {
					return this.negated != decisive;
				}
				unknown |= result == null;
			}
			return unknown ? null : this.negated == decisive;
		}

	}

	/**
	 * {@code col[.asc|.desc][.nullsfirst|.nullslast]}; nulls last ascending and first
	 * descending by default.
	 */
	static final class OrderTerm {

		private final Field field;

		private final boolean descending;

		private final Boolean nullsFirst;

		private Column column;

		OrderTerm(Field field, boolean descending, Boolean nullsFirst) {
			this.field = field;
			this.descending = descending;
			this.nullsFirst = nullsFirst;
		}

		void bind() {
			if (this.field.jsonPath()) {
				throw PostgrestException.unsupported("JSON paths in order");
			}
			this.column = Column.existing(this.field.name());
		}

		int compare(Object[] left, Object[] right) {
			Object a = left[this.column.ordinal()];
			Object b = right[this.column.ordinal()];
			if (a == null || b == null) {
				boolean first = (this.nullsFirst != null) ? this.nullsFirst : this.descending;
				int nullOrder = (a == null ? 1 : 0) - (b == null ? 1 : 0);
				return first ? -nullOrder : nullOrder;
			}
			int c = this.column.compare(a, b);
			return this.descending ? -c : c;
		}

	}

}
