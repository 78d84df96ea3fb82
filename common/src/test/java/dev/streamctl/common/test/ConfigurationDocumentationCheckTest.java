package dev.streamctl.common.test;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks behind every service's {@link ConfigurationDocumentationContract}, on a
 * small page and a made-up service: a right page passes, and each kind of mistake is
 * reported with its line and the fix.
 */
class ConfigurationDocumentationCheckTest {

	private static final Set<String> SERVICES = Set.of("demo-service", "other-service");

	private static final String METADATA = """
			{"groups": [], "properties": [
			  {"name": "demo.interval", "type": "java.time.Duration", "sourceType": "dev.streamctl.demo.DemoSettings", "defaultValue": "60s"},
			  {"name": "demo.apps", "type": "java.util.Set<java.lang.String>", "sourceType": "dev.streamctl.demo.DemoSettings", "defaultValue": ["live", "fwd"]},
			  {"name": "demo.enabled", "type": "java.lang.Boolean", "sourceType": "dev.streamctl.demo.DemoSettings", "defaultValue": true},
			  {"name": "demo.max-captures", "type": "java.lang.Integer", "sourceType": "dev.streamctl.demo.DemoSettings", "defaultValue": 16},
			  {"name": "demo.url", "type": "java.net.URI", "sourceType": "dev.streamctl.demo.DemoSettings"},
			  {"name": "demo.secret", "type": "java.lang.String", "sourceType": "dev.streamctl.demo.DemoSettings", "defaultValue": ""},
			  {"name": "demo.directory", "type": "java.nio.file.Path", "sourceType": "dev.streamctl.demo.DemoSettings", "defaultValue": "./out"},
			  {"name": "demo.columns.stream-key", "type": "java.lang.String", "sourceType": "dev.streamctl.demo.DemoSettings$Columns", "defaultValue": "stream_id"}
			]}
			""";

	private static final String SPRING_METADATA = """
			{"properties": [
			  {"name": "server.port", "type": "java.lang.Integer", "sourceType": "org.springframework.boot.autoconfigure.web.ServerProperties"}
			]}
			""";

	private static final String APPLICATION_YML = """
			server:
			  port: 8080
			demo:
			  url: ${DEMO_SERVER_URL:http://localhost:3000}
			  secret: ${DEMO_SECRET:}
			  directory: ${DEMO_DIR:./data}
			  max-captures: 8
			""";

	private static final String PAGE = """
			# Demo

			| variable | default | meaning |
			| --- | --- | --- |
			| `SERVER_PORT` | `8080` | a table with another header is not read |

			| property | environment variable | default | services | meaning |
			| --- | --- | --- | --- | --- |
			| `demo.interval` | `DEMO_INTERVAL` | `60s` | demo-service | how often |
			| `demo.apps` | `DEMO_APPS` | `live,fwd` | demo-service, other-service | the apps |
			| `demo.enabled` | `DEMO_ENABLED` | `true` | demo-service | on or off |
			| `demo.max-captures` | `DEMO_MAX_CAPTURES` | `8` | demo-service | application.yml sets 8 |
			| `demo.url` | `DEMO_SERVER_URL` | `http://localhost:3000` | demo-service | where |
			| `demo.secret` | `DEMO_SECRET` | none | demo-service | empty: no check |
			| `demo.directory` | `DEMO_DIR` | `./data` | demo-service | where files go |
			| `demo.columns.stream-key` | `DEMO_COLUMNS_STREAM_KEY` | `stream_id` | demo-service | a column, `a\\|b` |
			| `other.only` | `OTHER_ONLY` | none | other-service | another service's property |
			""";

	@Test
	void findsNoMistakeInARightPage() {
		ConfigurationDocumentationCheck check = check(PAGE);

		assertThat(check.unreadableRows()).isEmpty();
		assertThat(check.propertiesWithMoreThanOneRow()).isEmpty();
		assertThat(check.propertiesWithoutARow()).isEmpty();
		assertThat(check.rowsNamingNoPropertyOfThisService()).isEmpty();
		assertThat(check.wrongDefaults()).isEmpty();
		assertThat(check.wrongEnvironmentVariables()).isEmpty();
	}

	@Test
	void readsOnlyTablesWithTheSettingsHeader() {
		assertThat(ConfigurationTable.parse(PAGE, SERVICES).rows()).extracting(ConfigurationTable.Row::property)
			.doesNotContain("SERVER_PORT")
			.hasSize(9);
	}

	@Test
	void readsAnEscapedPipeAsPartOfItsCell() {
		assertThat(ConfigurationTable.parse(PAGE, SERVICES).rows())
			.filteredOn((row) -> row.property().equals("demo.columns.stream-key"))
			.singleElement()
			.extracting(ConfigurationTable.Row::defaultValue)
			.isEqualTo("stream_id");
	}

	@Test
	void reportsAPropertyWithoutARowWithTheRowToAdd() {
		ConfigurationDocumentationCheck check = check(withoutLine("`demo.enabled`"));

		assertThat(check.propertiesWithoutARow()).containsExactly(
				"demo.enabled (declared in dev.streamctl.demo.DemoSettings) has no row in docs/configuration.md: add "
						+ "| `demo.enabled` | `DEMO_ENABLED` | `true` | demo-service | what it does |");
	}

	@Test
	void reportsARowThatDoesNotListAServiceReadingItsProperty() {
		ConfigurationDocumentationCheck check = check(
				PAGE.replace("| `demo.interval` | `DEMO_INTERVAL` | `60s` | demo-service |",
						"| `demo.interval` | `DEMO_INTERVAL` | `60s` | other-service |"));

		assertThat(check.propertiesWithoutARow()).containsExactly("demo.interval is read by demo-service, but its row "
				+ "(line 9) does not list it: add demo-service to the row's services cell");
	}

	@Test
	void reportsARowOfThisServiceForAPropertyItDoesNotHave() {
		ConfigurationDocumentationCheck check = check(PAGE.replace("`demo.interval`", "`demo.intervall`"));

		assertThat(check.rowsNamingNoPropertyOfThisService()).singleElement()
			.asString()
			.startsWith("line 9: demo.intervall is listed for demo-service, which has no such property");
		assertThat(check.propertiesWithoutARow()).singleElement().asString().startsWith("demo.interval (declared in");
	}

	@Test
	void reportsADefaultThatIsNotTheEffectiveDefault() {
		ConfigurationDocumentationCheck check = check(PAGE.replace("| `60s` |", "| `1m` |")
			.replace("| `DEMO_MAX_CAPTURES` | `8` |", "| `DEMO_MAX_CAPTURES` | `16` |")
			.replace("| `DEMO_SECRET` | none |", "| `DEMO_SECRET` | `secret` |"));

		assertThat(check.wrongDefaults()).containsExactly(
				"line 9: demo.interval is documented with the default `1m`, but its default in demo-service is `60s` "
						+ "(@DefaultValue in dev.streamctl.demo.DemoSettings): write `60s` in its default cell",
				"line 12: demo.max-captures is documented with the default `16`, but its default in demo-service is `8` "
						+ "(application.yml): write `8` in its default cell",
				"line 14: demo.secret is documented with the default `secret`, but its default in demo-service is none "
						+ "(application.yml: ${DEMO_SECRET:}): write none in its default cell");
	}

	@Test
	void takesThePlaceholderDefaultOfApplicationYmlOverTheCodes() {
		ConfigurationDocumentationCheck check = check(PAGE.replace("| `./data` |", "| `./out` |"));

		assertThat(check.wrongDefaults()).singleElement()
			.asString()
			.contains("its default in demo-service is `./data` (application.yml: ${DEMO_DIR:./data})");
	}

	@Test
	void reportsAnEnvironmentVariableThatDoesNotSetTheProperty() {
		ConfigurationDocumentationCheck check = check(PAGE.replace("`DEMO_DIR`", "`DEMO_DIRECTORY`")
			.replace("`DEMO_COLUMNS_STREAM_KEY`", "`DEMO_COLUMNS_STREAMKEY`"));

		assertThat(check.wrongEnvironmentVariables()).containsExactly(
				"line 15: demo.directory is documented as set by DEMO_DIRECTORY, but demo-service reads it from DEMO_DIR "
						+ "(application.yml: ${DEMO_DIR:./data}): write `DEMO_DIR` in its environment variable cell",
				"line 16: demo.columns.stream-key is documented as set by DEMO_COLUMNS_STREAMKEY, but demo-service reads "
						+ "it from DEMO_COLUMNS_STREAM_KEY (Spring's relaxed binding of demo.columns.stream-key): write "
						+ "`DEMO_COLUMNS_STREAM_KEY` in its environment variable cell");
	}

	@Test
	void reportsAPropertyWithTwoRows() {
		ConfigurationDocumentationCheck check = check(
				PAGE + "| `demo.enabled` | `DEMO_ENABLED` | `true` | other-service | again |\n");

		assertThat(check.propertiesWithMoreThanOneRow()).containsExactly("demo.enabled has 2 rows, on lines 11 and 18: "
				+ "keep one and list every service that reads it in its services cell");
	}

	@Test
	void reportsRowsItCannotRead() {
		ConfigurationDocumentationCheck check = check(
				PAGE.replace("| `demo.enabled` | `DEMO_ENABLED` | `true` | demo-service |",
						"| demo.enabled | `DEMO_ENABLED` | true (on) | demo-servce |"));

		assertThat(check.unreadableRows()).containsExactly("line 11: the property cell must be one property name in "
				+ "backticks, like `supabase.url`, not 'demo.enabled'; the default cell must be the default in backticks, "
				+ "like `10s`, or none, not 'true (on)' (explain a default in the meaning cell); the services cell lists "
				+ "'demo-servce'; a service is one of [demo-service, other-service]");
	}

	@Test
	void springBindsTheRelaxedNameOfAProperty() {
		assertThat(ServiceSettings.relaxedName("thumbnail.stream-name-pattern"))
			.isEqualTo("THUMBNAIL_STREAM_NAME_PATTERN");
		assertThat(ServiceSettings.springBinds("THUMBNAIL_STREAM_NAME_PATTERN", "thumbnail.stream-name-pattern"))
			.isTrue();
		assertThat(ServiceSettings.springBinds("SUPABASE_COLUMNS_STREAM_KEY", "supabase.columns.stream-key")).isTrue();
		assertThat(ServiceSettings.springBinds("THUMBNAIL_DIR", "thumbnail.directory")).isFalse();
	}

	private static ConfigurationDocumentationCheck check(String page) {
		return new ConfigurationDocumentationCheck(ConfigurationTable.parse(page, SERVICES),
				ServiceSettings.of("demo-service", List.of(METADATA, SPRING_METADATA), APPLICATION_YML));
	}

	private static String withoutLine(String containing) {
		return String.join("\n", PAGE.lines().filter((line) -> !line.contains(containing)).toList()) + "\n";
	}

}
