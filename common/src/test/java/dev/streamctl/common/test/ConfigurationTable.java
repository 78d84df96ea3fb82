package dev.streamctl.common.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The settings tables of {@code docs/configuration.md}: every Markdown table whose header
 * is exactly {@link #HEADER}, read row by row. Other tables on the page (the compose
 * {@code .env} variables, Spring Boot's own settings) have other headers and are not
 * read.
 * <p>
 * A row is
 * {@code | `property` | `ENVIRONMENT_VARIABLE` | `default` | service, service | meaning |}:
 * the property and the variable in backticks, the default in backticks exactly as the
 * normalisation of {@link ServiceSettings} writes it, or {@value #NO_DEFAULT} (or
 * nothing) when there is none, and the services that read the property, by module name,
 * separated by commas. A {@code |} inside a cell is written {@code \|}.
 */
public final class ConfigurationTable {

	public static final String HEADER = "| property | environment variable | default | services | meaning |";

	/**
	 * What a default cell says when the property has no default; an empty cell means the
	 * same.
	 */
	public static final String NO_DEFAULT = "none";

	/** The services a row may list: the modules that run as their own process. */
	public static final Set<String> SERVICES = Set.of("hook-gateway", "status-worker", "thumbnail-worker");

	private static final Pattern PROPERTY = Pattern.compile("`([a-z0-9][a-z0-9.\\-\\[\\]]*)`");

	private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

	private static final Pattern CODE = Pattern.compile("`([^`]*)`");

	private static final Pattern SEPARATOR = Pattern.compile("\\|(\\s*:?-+:?\\s*\\|)+");

	private final List<Row> rows;

	private final List<String> unreadable;

	private ConfigurationTable(List<Row> rows, List<String> unreadable) {
		this.rows = List.copyOf(rows);
		this.unreadable = List.copyOf(unreadable);
	}

	public static ConfigurationTable read(Path markdown) {
		try {
			return parse(Files.readString(markdown), SERVICES);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The rows of a page.
	 * @param markdown the page
	 * @param services the names a services cell may hold
	 */
	public static ConfigurationTable parse(String markdown, Set<String> services) {
		List<Row> rows = new ArrayList<>();
		List<String> unreadable = new ArrayList<>();
		String[] lines = markdown.split("\n", -1);
		boolean inTable = false;
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			int number = i + 1;
			if (line.equals(HEADER)) {
				inTable = true;
			}
			else if (!inTable) {
				continue;
			}
			else if (!line.startsWith("|")) {
				inTable = false;
			}
			else if (!SEPARATOR.matcher(line).matches()) {
				readRow(number, line, services, rows, unreadable);
			}
		}
		return new ConfigurationTable(rows, unreadable);
	}

	/** Every row that could be read, in the order of the page. */
	public List<Row> rows() {
		return this.rows;
	}

	/**
	 * One message per row that could not be read, naming its line and what is wrong with
	 * it.
	 */
	public List<String> unreadableRows() {
		return this.unreadable;
	}

	private static void readRow(int line, String text, Set<String> known, List<Row> rows, List<String> unreadable) {
		List<String> cells = cells(text);
		if (cells.size() != 5) {
			unreadable.add("line " + line + ": a row needs 5 cells (property, environment variable, default, services, "
					+ "meaning), this one has " + cells.size() + "; write a | inside a cell as \\|");
			return;
		}
		Matcher property = PROPERTY.matcher(cells.get(0));
		Matcher variable = VARIABLE.matcher(cells.get(1));
		String defaultCell = cells.get(2);
		Matcher code = CODE.matcher(defaultCell);
		List<String> problems = new ArrayList<>();
		if (!property.matches()) {
			problems.add("the property cell must be one property name in backticks, like `supabase.url`, not '"
					+ cells.get(0) + "'");
		}
		if (!variable.matches()) {
			problems.add("the environment variable cell must be one variable in backticks, like `SUPABASE_URL`, not '"
					+ cells.get(1) + "'");
		}
		boolean noDefault = defaultCell.isEmpty() || defaultCell.equals(NO_DEFAULT);
		if (!noDefault && !code.matches()) {
			problems.add("the default cell must be the default in backticks, like `10s`, or " + NO_DEFAULT + ", not '"
					+ defaultCell + "' (explain a default in the meaning cell)");
		}
		Set<String> services = new LinkedHashSet<>();
		for (String service : cells.get(3).split(",")) {
			String name = service.strip().replace("`", "");
			if (!known.contains(name)) {
				problems.add("the services cell lists '" + name + "'; a service is one of "
						+ known.stream().sorted().toList());
			}
			services.add(name);
		}
		if (!problems.isEmpty()) {
			unreadable.add("line " + line + ": " + String.join("; ", problems));
			return;
		}
		rows.add(new Row(line, property.group(1), variable.group(1), noDefault ? null : code.group(1), services));
	}

	/**
	 * The cells of a table line, split at every {@code |} not written {@code \|},
	 * trimmed, unescaped.
	 */
	private static List<String> cells(String line) {
		String inner = line.substring(1,
				line.endsWith("|") && !line.endsWith("\\|") ? line.length() - 1 : line.length());
		List<String> cells = new ArrayList<>();
		for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
			cells.add(cell.strip().replace("\\|", "|"));
		}
		return cells;
	}

	/**
	 * One documented property.
	 *
	 * @param line where the row is on the page, counted from 1
	 * @param property the property name, e.g. {@code supabase.columns.id}
	 * @param environmentVariable the variable documented to set it
	 * @param defaultValue the documented default, {@code null} for {@value #NO_DEFAULT}
	 * @param services the services documented to read it
	 */
	public record Row(int line, String property, String environmentVariable, @Nullable String defaultValue,
			Set<String> services) {

		public Row {
			services = Set.copyOf(services);
		}

	}

}
