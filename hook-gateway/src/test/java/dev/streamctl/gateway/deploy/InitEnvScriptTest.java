package dev.streamctl.gateway.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.streamctl.gateway.deploy.Scripts.Result;

import static dev.streamctl.gateway.deploy.Scripts.repositoryRoot;
import static dev.streamctl.gateway.deploy.Scripts.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/init-env}, the README's first command, run in a copy of the repository's
 * deployment files: it writes {@code .env} readable by its owner only, with a random
 * value of letters and digits for every secret docker-compose.yml requires, and leaves an
 * existing {@code .env} exactly as it is, so running it again never changes a password
 * the database or the broker was first started with.
 */
class InitEnvScriptTest {

	private static final Pattern REQUIRED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):\\?");

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	@TempDir
	Path checkout;

	private Path repository;

	@BeforeEach
	void copyDeploymentFiles() throws IOException {
		this.repository = repositoryRoot();
		Files.createDirectories(this.checkout.resolve("bin"));
		for (String file : List.of("bin/init-env", ".env.example", "docker-compose.yml")) {
			Files.copy(this.repository.resolve(file), this.checkout.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
		}
	}

	@Test
	void writesEnvReadableByItsOwnerOnlyWithARandomAlphanumericValueForEveryRequiredSecret() throws Exception {
		Result result = initEnv();

		assertThat(result.exitCode()).as(result.output()).isZero();
		Path env = this.checkout.resolve(".env");
		assertThat(Files.getPosixFilePermissions(env)).isEqualTo(OWNER_ONLY);
		Map<String, String> written = variables(env);
		Set<String> required = requiredSecrets();
		assertThat(required).contains("HOOK_SECRET", "RABBITMQ_PASSWORD", "POSTGRES_PASSWORD", "SUPABASE_KEY");
		for (String secret : required) {
			assertThat(written.get(secret)).as(secret).matches("[A-Za-z0-9]{24,}");
			assertThat(result.output()).as("the output names %s but never shows its value", secret)
				.contains(secret)
				.doesNotContain(written.get(secret));
		}
		assertThat(required.stream().map(written::get).distinct()).as("each secret is drawn on its own")
			.hasSameSizeAs(required);
	}

	@Test
	void copiesEverythingElseOfEnvExampleUnchanged() throws Exception {
		initEnv();

		List<String> example = Files.readAllLines(this.checkout.resolve(".env.example"));
		List<String> written = Files.readAllLines(this.checkout.resolve(".env"));
		Set<String> required = requiredSecrets();
		assertThat(written).hasSameSizeAs(example);
		for (int i = 0; i < example.size(); i++) {
			String line = example.get(i);
			boolean secret = line.endsWith("=") && required.contains(line.substring(0, line.length() - 1));
			if (!secret) {
				assertThat(written.get(i)).as("line %d of .env", i + 1).isEqualTo(line);
			}
		}
		assertThat(variables(this.checkout.resolve(".env"))).as("optional settings keep their empty default")
			.containsEntry("TARGET_FORWARD_URL", "");
	}

	@Test
	void secondRunLeavesTheExistingEnvExactlyAsItIs() throws Exception {
		initEnv();
		Path env = this.checkout.resolve(".env");
		byte[] first = Files.readAllBytes(env);
		FileTime modified = Files.getLastModifiedTime(env);

		Result again = initEnv();

		assertThat(again.exitCode()).as(again.output()).isZero();
		assertThat(again.output()).contains("kept");
		assertThat(Files.readAllBytes(env)).isEqualTo(first);
		assertThat(Files.getLastModifiedTime(env)).isEqualTo(modified);
		assertThat(Files.getPosixFilePermissions(env)).isEqualTo(OWNER_ONLY);
		try (var files = Files.list(this.checkout)) {
			assertThat(files.map(file -> file.getFileName().toString())).as("no partial file is left behind")
				.containsExactlyInAnyOrder("bin", ".env", ".env.example", "docker-compose.yml");
		}
	}

	@Test
	void leavesAnEnvWrittenByHandUntouched() throws Exception {
		Path env = this.checkout.resolve(".env");
		Files.writeString(env, "HOOK_SECRET=mine\n");

		Result result = initEnv();

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(Files.readString(env)).isEqualTo("HOOK_SECRET=mine\n");
	}

	private Set<String> requiredSecrets() throws IOException {
		Set<String> required = new LinkedHashSet<>();
		Matcher matcher = REQUIRED.matcher(Files.readString(this.repository.resolve("docker-compose.yml")));
		while (matcher.find()) {
			required.add(matcher.group(1));
		}
		return required;
	}

	/**
	 * Runs the script from another directory, as {@code bin/init-env} would be from
	 * anywhere.
	 */
	private Result initEnv() throws IOException, InterruptedException {
		return run(new ProcessBuilder(this.checkout.resolve("bin/init-env").toString())
			.directory(this.checkout.resolve("bin").toFile()), 30);
	}

	private static Map<String, String> variables(Path file) throws IOException {
		Map<String, String> variables = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			if (!line.startsWith("#") && line.contains("=")) {
				variables.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
			}
		}
		return variables;
	}

}
