package dev.streamctl.common.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.streamctl.common.test.ConfigurationTable.Row;
import dev.streamctl.common.test.ServiceSettings.Binding;
import dev.streamctl.common.test.ServiceSettings.Property;
import dev.streamctl.common.test.ServiceSettings.Value;
import org.jspecify.annotations.Nullable;

/**
 * {@value #PAGE} against the settings one service reads. Each check returns one message
 * per mistake, naming the property, the line of its row and what to write instead; no
 * message means the page is right for this service. The rules for defaults and
 * environment variables are {@link ServiceSettings}'s.
 */
public final class ConfigurationDocumentationCheck {

	public static final String PAGE = "docs/configuration.md";

	private final ConfigurationTable table;

	private final ServiceSettings settings;

	public ConfigurationDocumentationCheck(ConfigurationTable table, ServiceSettings settings) {
		this.table = table;
		this.settings = settings;
	}

	/** Table lines the other checks cannot read. */
	public List<String> unreadableRows() {
		return this.table.unreadableRows();
	}

	/**
	 * Properties with more than one row: each property has one row, listing every service
	 * that reads it.
	 */
	public List<String> propertiesWithMoreThanOneRow() {
		List<String> mistakes = new ArrayList<>();
		rowsByProperty().forEach((property, rows) -> {
			if (rows.size() > 1) {
				mistakes.add(property + " has " + rows.size() + " rows, on lines " + lines(rows)
						+ ": keep one and list every service that reads it in its services cell");
			}
		});
		return mistakes;
	}

	/** Properties of this service that no row lists this service for. */
	public List<String> propertiesWithoutARow() {
		List<String> mistakes = new ArrayList<>();
		Map<String, List<Row>> rows = rowsByProperty();
		for (Property property : this.settings.properties().values()) {
			List<Row> documented = rows.getOrDefault(property.name(), List.of());
			if (documented.isEmpty()) {
				mistakes.add(property.name() + " (declared in " + property.sourceType() + ") has no row in " + PAGE
						+ ": add | `" + property.name() + "` | `"
						+ this.settings.environmentVariable(property.name()).variable() + "` | "
						+ this.settings.effectiveDefault(property.name()).asWritten() + " | " + service()
						+ " | what it does |");
			}
			else if (documented.stream().noneMatch(this::listsThisService)) {
				mistakes.add(property.name() + " is read by " + service() + ", but its row (line " + lines(documented)
						+ ") does not list it: add " + service() + " to the row's services cell");
			}
		}
		return mistakes;
	}

	/** Rows that list this service for a property it does not read. */
	public List<String> rowsNamingNoPropertyOfThisService() {
		List<String> mistakes = new ArrayList<>();
		for (Row row : rowsOfThisService()) {
			if (!this.settings.properties().containsKey(row.property())) {
				mistakes.add("line " + row.line() + ": " + row.property() + " is listed for " + service()
						+ ", which has no such property (no dev.streamctl @ConfigurationProperties class on its classpath "
						+ "declares it): correct the name, or remove " + service() + " from the row's services cell "
						+ "(the whole row if no service reads it)");
			}
		}
		return mistakes;
	}

	/** Rows whose default is not this service's effective default. */
	public List<String> wrongDefaults() {
		List<String> mistakes = new ArrayList<>();
		for (Row row : rowsOfThisServicesProperties()) {
			Value effective = this.settings.effectiveDefault(row.property());
			if (!Objects.equals(row.defaultValue(), effective.value())) {
				mistakes.add("line " + row.line() + ": " + row.property() + " is documented with the default "
						+ written(row.defaultValue()) + ", but its default in " + service() + " is "
						+ effective.asWritten() + " (" + effective.origin() + "): write " + effective.asWritten()
						+ " in its default cell");
			}
		}
		return mistakes;
	}

	/**
	 * Rows whose environment variable is not the one that sets the property in this
	 * service.
	 */
	public List<String> wrongEnvironmentVariables() {
		List<String> mistakes = new ArrayList<>();
		for (Row row : rowsOfThisServicesProperties()) {
			Binding binding = this.settings.environmentVariable(row.property());
			if (!row.environmentVariable().equals(binding.variable())) {
				mistakes.add("line " + row.line() + ": " + row.property() + " is documented as set by "
						+ row.environmentVariable() + ", but " + service() + " reads it from " + binding.variable()
						+ " (" + binding.origin() + "): write `" + binding.variable()
						+ "` in its environment variable cell");
			}
			else if (binding.variable().equals(ServiceSettings.relaxedName(row.property()))
					&& !ServiceSettings.springBinds(binding.variable(), row.property())) {
				mistakes.add("line " + row.line() + ": Spring does not bind " + row.property() + " from "
						+ binding.variable() + ": give it a ${VARIABLE:default} placeholder in " + service()
						+ "'s application.yml and document that variable");
			}
		}
		return mistakes;
	}

	private String service() {
		return this.settings.service();
	}

	private boolean listsThisService(Row row) {
		return row.services().contains(service());
	}

	private List<Row> rowsOfThisService() {
		return this.table.rows().stream().filter(this::listsThisService).toList();
	}

	private List<Row> rowsOfThisServicesProperties() {
		return rowsOfThisService().stream()
			.filter((row) -> this.settings.properties().containsKey(row.property()))
			.toList();
	}

	private Map<String, List<Row>> rowsByProperty() {
		Map<String, List<Row>> rows = new LinkedHashMap<>();
		for (Row row : this.table.rows()) {
			rows.computeIfAbsent(row.property(), (property) -> new ArrayList<>()).add(row);
		}
		return rows;
	}

	private static String lines(List<Row> rows) {
		return rows.stream().map((row) -> String.valueOf(row.line())).collect(Collectors.joining(" and "));
	}

	private static String written(@Nullable String value) {
		return (value == null) ? ConfigurationTable.NO_DEFAULT : "`" + value + "`";
	}

}
