package dev.streamctl.common.test;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds {@code docs/configuration.md} to the settings of one service. A service module
 * runs it with a subclass of a few lines:
 *
 * <pre>
 * class ConfigurationDocumentationTest extends ConfigurationDocumentationContract {
 *     ConfigurationDocumentationTest() {
 *         super("hook-gateway");
 *     }
 * }
 * </pre>
 *
 * The service's properties are those of every {@code dev.streamctl}
 * {@code @ConfigurationProperties} class on its test classpath, read from the metadata
 * that spring-boot-configuration-processor writes when the module compiles (so run the
 * module's tests through Maven, {@code -am} included, after a change to a settings
 * class). Defaults and environment variables follow {@link ServiceSettings}'s rules. Each
 * failure names the property, the line of its row and what to write.
 */
public abstract class ConfigurationDocumentationContract {

	private final ConfigurationDocumentationCheck check;

	protected ConfigurationDocumentationContract(String service) {
		this.check = new ConfigurationDocumentationCheck(ConfigurationTable.read(page()),
				ServiceSettings.fromClasspath(service));
	}

	@Test
	void everyRowCanBeRead() {
		assertNoMistakes(this.check.unreadableRows());
	}

	@Test
	void everyPropertyHasOneRowOnly() {
		assertNoMistakes(this.check.propertiesWithMoreThanOneRow());
	}

	@Test
	void everyPropertyHasARow() {
		assertNoMistakes(this.check.propertiesWithoutARow());
	}

	@Test
	void everyRowOfThisServiceNamesOneOfItsProperties() {
		assertNoMistakes(this.check.rowsNamingNoPropertyOfThisService());
	}

	@Test
	void documentedDefaultsAreTheEffectiveDefaults() {
		assertNoMistakes(this.check.wrongDefaults());
	}

	@Test
	void documentedEnvironmentVariablesAreTheOnesThatBind() {
		assertNoMistakes(this.check.wrongEnvironmentVariables());
	}

	private static void assertNoMistakes(List<String> mistakes) {
		assertThat(mistakes)
			.withFailMessage(
					() -> ConfigurationDocumentationCheck.PAGE + " needs fixing:\n- " + String.join("\n- ", mistakes))
			.isEmpty();
	}

	/** {@code docs/configuration.md} of the repository the tests run in. */
	private static Path page() {
		return RepositoryFiles.find(ConfigurationDocumentationCheck.PAGE);
	}

}
