package dev.streamctl.common.test.postgrest;

import java.util.ArrayList;
import java.util.List;

import dev.streamctl.common.test.postgrest.PostgrestQuery.Condition;
import dev.streamctl.common.test.postgrest.PostgrestQuery.Field;
import dev.streamctl.common.test.postgrest.PostgrestQuery.Filter;
import dev.streamctl.common.test.postgrest.PostgrestQuery.Logic;
import dev.streamctl.common.test.postgrest.PostgrestQuery.OpExpr;
import dev.streamctl.common.test.postgrest.PostgrestQuery.OrderTerm;
import dev.streamctl.common.test.postgrest.PostgrestQuery.SelectItem;

/**
 * A position in the text of one query parameter, with the rules of PostgREST's grammar
 * ({@code QueryParams.hs}) as methods. A rule that does not match throws {@link Failure}
 * and leaves the position where it stopped; the furthest failure is kept for the PGRST100
 * message. Like PostgREST's parsers, rules do not require the end of the text: whatever
 * follows a complete parameter is ignored.
 */
final class Cursor {

	private final String text;

	private int pos;

	private int furthest = -1;

	private String expected = "";

	private String message;

	Cursor(String text) {
		this.text = text;
	}

	/** Zero-based position of the furthest failure. */
	int furthest() {
		return Math.max(this.furthest, 0);
	}

	/** What the furthest failure found and expected, in Parsec's words. */
	String details() {
		String found = (furthest() >= this.text.length()) ? "end of input" : "\"" + this.text.charAt(furthest()) + "\"";
		return (this.message != null) ? this.message : "unexpected " + found + " expecting " + this.expected;
	}

	/**
	 * A filter's name: {@code name[->json]}, or {@code null} for a name with a dot (an
	 * embedded resource's).
	 */
	Field treePath() {
		String name = fieldName();
		boolean embedded = false;
		while (take(".")) {
			name = fieldName();
			embedded = true;
		}
		boolean json = jsonPath();
		return embedded ? null : new Field(name, json);
	}

	/**
	 * {@code [not.]operator.value}; inside a logic tree the value ends at {@code ,} or
	 * {@code )} unless quoted.
	 */
	OpExpr opExpr(boolean inLogic) {
		int start = this.pos;
		if (take("not.")) {
			try {
				return operation(true, inLogic);
			}
			catch (Failure failure) {
				this.pos = start;
			}
		}
		return operation(false, inLogic);
	}

	/**
	 * {@code or(..)} / {@code and(..)} / {@code not.or(..)}, whose items are filters or
	 * nested trees.
	 */
	Condition logicTree() {
		int start = this.pos;
		try {
			Field field = field();
			expect(".");
			return new Filter(field, opExpr(true));
		}
		catch (Failure failure) {
			this.pos = start;
		}
		boolean negated = take("not.");
		boolean or;
		if (take("and")) {
			or = false;
		}
		else if (take("or")) {
			or = true;
		}
		else {
			throw fail("logic operator (and, or)");
		}
		ws();
		expect("(");
		ws();
		List<Condition> children = new ArrayList<>();
		do {
			children.add(logicTree());
		}
		while (comma());
		ws();
		expect(")");
		ws();
		return new Logic(or, negated, children);
	}

	List<OrderTerm> orderTerms() {
		List<OrderTerm> terms = new ArrayList<>();
		do {
			ws();
			terms.add(orderTerm());
			ws();
		}
		while (take(","));
		return terms;
	}

	List<SelectItem> selectItems() {
		List<SelectItem> items = new ArrayList<>();
		do {
			items.add(selectItem());
		}
		while (comma());
		return items;
	}

	private OpExpr operation(boolean negated, boolean inLogic) {
		if (take("in.")) {
			return new OpExpr(negated, "in", listValue());
		}
		if (take("is.")) {
			return new OpExpr(negated, "is", List.of(trilean()));
		}
		int start = this.pos;
		String head = until(".(");
		if (PostgrestQuery.FTS_OPERATORS.contains(head)) {
			if (take("(")) {
				until(")");
				expect(")");
			}
			expect(".");
			return new OpExpr(negated, head, List.of(singleValue(inLogic)));
		}
		this.pos = start;
		String operator = until(".");
		if (atEnd()) {
			throw fail("delimiter (.)");
		}
		this.pos++;
		if (!PostgrestQuery.OPERATORS.contains(operator)) {
			throw failWith("unknown single value operator " + operator);
		}
		return new OpExpr(negated, operator, List.of(singleValue(inLogic)));
	}

	private String trilean() {
		for (String word : List.of("null", "unknown", "true", "false")) {
			if (this.text.regionMatches(true, this.pos, word, 0, word.length())) {
				this.pos += word.length();
				return word;
			}
		}
		throw fail("null or trilean value (unknown, true, false)");
	}

	private List<String> listValue() {
		ws();
		expect("(");
		ws();
		List<String> items = new ArrayList<>();
		do {
			items.add(quotedOr(",)"));
		}
		while (take(","));
		ws();
		expect(")");
		ws();
		return items;
	}

	private String singleValue(boolean inLogic) {
		if (!inLogic) {
			String rest = this.text.substring(this.pos);
			this.pos = this.text.length();
			return rest;
		}
		int start = this.pos;
		if (take("{")) {
			until("{}");
			if (take("}")) {
				return this.text.substring(start, this.pos);
			}
			this.pos = start;
		}
		return quotedOr(",)");
	}

	/**
	 * A double-quoted value (backslash escapes) directly followed by a stop or the end,
	 * else the text up to a stop.
	 */
	private String quotedOr(String stops) {
		int start = this.pos;
		if (peek() == '"') {
			try {
				String value = quoted();
				if (atEnd() || stops.indexOf(peek()) >= 0) {
					return value;
				}
			}
			catch (Failure failure) {
				// not a quoted value after all: read it raw
			}
			this.pos = start;
		}
		return until(stops);
	}

	private String quoted() {
		expect("\"");
		StringBuilder value = new StringBuilder();
		while (true) {
			if (atEnd()) {
				throw fail("\"\\\"\"");
			}
			char c = this.text.charAt(this.pos++);
			if (c == '"') {
				return value.toString();
			}
			if (c == '\\') {
				if (atEnd()) {
					throw fail("any character");
				}
				c = this.text.charAt(this.pos++);
			}
			value.append(c);
		}
	}

	private OrderTerm orderTerm() {
		int start = this.pos;
		try {
			fieldName();
			if (startsWith("(")) {
				throw PostgrestException.unsupported("ordering by an embedded resource");
			}
		}
		catch (Failure failure) {
			// not a related order: read a plain one
		}
		this.pos = start;
		Field field = field();
		boolean descending = false;
		if (!take(".asc")) {
			descending = take(".desc");
		}
		Boolean nullsFirst = null;
		if (take(".nullsfirst")) {
			nullsFirst = true;
		}
		else if (take(".nullslast")) {
			nullsFirst = false;
		}
		if (!atEnd() && peek() != ',') {
			throw fail("\"asc\", \"desc\", \"nullsfirst\", \"nullslast\", \",\" or end of input");
		}
		return new OrderTerm(field, descending, nullsFirst);
	}

	private SelectItem selectItem() {
		int start = this.pos;
		ws();
		if (take("..")) {
			String name = fieldName();
			embedHints();
			nestedSelect();
			return new SelectItem(null, null, null, name);
		}
		try {
			alias();
			String name = fieldName();
			embedHints();
			if (startsWith("(")) {
				nestedSelect();
				return new SelectItem(null, null, null, name);
			}
		}
		catch (Failure failure) {
			// not an embedding: read a column
		}
		this.pos = start;
		ws();
		if (take("*")) {
			selectEnd();
			return new SelectItem(null, null, null, null);
		}
		String alias = alias();
		Field field = field();
		String cast = take("::") ? identifier() : null;
		selectEnd();
		return new SelectItem(alias, field, cast, null);
	}

	private void nestedSelect() {
		expect("(");
		selectItems();
		expect(")");
		ws();
	}

	private void embedHints() {
		for (int i = 0; i < 2 && take("!"); i++) {
			fieldName();
		}
	}

	private void selectEnd() {
		if (!atEnd() && peek() != ',' && peek() != ')') {
			throw fail("\"->\", \"::\", \",\", \")\" or end of input");
		}
		ws();
	}

	private String alias() {
		int start = this.pos;
		try {
			String name = fieldName();
			if (startsWith(":") && !startsWith("::")) {
				this.pos++;
				return name;
			}
		}
		catch (Failure failure) {
			// no alias
		}
		this.pos = start;
		return null;
	}

	private Field field() {
		ws();
		String name = fieldName();
		boolean json = jsonPath();
		ws();
		return new Field(name, json);
	}

	private String fieldName() {
		if (peek() == '"') {
			return quoted();
		}
		List<String> parts = new ArrayList<>();
		parts.add(identifier());
		while (startsWith("-") && !startsWith("->")) {
			this.pos++;
			parts.add(identifier());
		}
		return String.join("-", parts);
	}

	private String identifier() {
		int start = this.pos;
		while (!atEnd() && isIdentifierChar(peek())) {
			this.pos++;
		}
		if (this.pos == start) {
			throw fail("field name (* or [a..z0..9_$])");
		}
		return this.text.substring(start, this.pos).strip();
	}

	private static boolean isIdentifierChar(char c) {
		return Character.isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == ' ' || c == '$';
	}

	private boolean jsonPath() {
		boolean any = false;
		while (take("->>") || take("->")) {
			any = true;
			int start = this.pos;
			take("-");
			if (digits() == 0) {
				this.pos = start;
				fieldName();
			}
		}
		return any;
	}

	private int digits() {
		int start = this.pos;
		while (!atEnd() && peek() >= '0' && peek() <= '9') {
			this.pos++;
		}
		return this.pos - start;
	}

	private boolean comma() {
		int start = this.pos;
		ws();
		if (take(",")) {
			ws();
			return true;
		}
		this.pos = start;
		return false;
	}

	private void ws() {
		while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
			this.pos++;
		}
	}

	private String until(String stops) {
		int start = this.pos;
		while (!atEnd() && stops.indexOf(peek()) < 0) {
			this.pos++;
		}
		return this.text.substring(start, this.pos);
	}

	private boolean atEnd() {
		return this.pos >= this.text.length();
	}

	private char peek() {
		return atEnd() ? '\0' : this.text.charAt(this.pos);
	}

	private boolean startsWith(String prefix) {
		return this.text.startsWith(prefix, this.pos);
	}

	private boolean take(String prefix) {
		if (startsWith(prefix)) {
			this.pos += prefix.length();
			return true;
		}
		return false;
	}

	private void expect(String token) {
		if (!take(token)) {
			throw fail("\"" + token + "\"");
		}
	}

	private Failure fail(String expecting) {
		if (this.pos > this.furthest) {
			this.furthest = this.pos;
			this.expected = expecting;
			this.message = null;
		}
		else if (this.pos == this.furthest && !this.expected.contains(expecting)) {
			this.expected = this.expected.isEmpty() ? expecting : this.expected + " or " + expecting;
		}
		return new Failure();
	}

	private Failure failWith(String reason) {
		if (this.pos >= this.furthest) {
			this.furthest = this.pos;
			this.message = reason;
		}
		return new Failure();
	}

	/** A rule did not match. */
	static final class Failure extends RuntimeException {

		Failure() {
			super(null, null, false, false);
		}

	}

}
