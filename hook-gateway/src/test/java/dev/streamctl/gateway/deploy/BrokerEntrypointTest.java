package dev.streamctl.gateway.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.streamctl.gateway.deploy.Scripts.Result;

import static dev.streamctl.gateway.deploy.Scripts.repositoryRoot;
import static dev.streamctl.gateway.deploy.Scripts.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rabbitmq/entrypoint.sh} run as the container runs it, with the image's own
 * entrypoint replaced by a stub and the real {@code rabbitmqctl} of the local broker:
 * users an earlier start provisioned are deleted once the configured user is an
 * administrator in the broker, and never otherwise; users made by hand are never touched.
 * The script's detached job holds its output open until it ends, and the script runs
 * piped into {@code cat} under {@code bash -o pipefail}, so the process the test waits
 * for ends only after that job: the JDK closes a child's output pipe as soon as the child
 * itself exits, which cut the job's lines off in some runs. The tests make and inspect
 * users through the local broker's management API (guest/guest on localhost).
 */
class BrokerEntrypointTest {

	private static final URI MANAGEMENT = URI.create("http://localhost:15672/api/users/");

	private static final String GUEST = "Basic "
			+ Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));

	/**
	 * HTTP/1.1: the management API's server drops an h2c upgrade of a request with a
	 * body.
	 */
	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@TempDir
	Path work;

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final List<String> created = new ArrayList<>();

	private Path usersFile;

	private Path stubs;

	@BeforeEach
	void stubTheImagesEntrypoint() throws IOException {
		this.usersFile = this.work.resolve("streamctl-users");
		this.stubs = Files.createDirectories(this.work.resolve("bin"));
		Path stub = this.stubs.resolve("docker-entrypoint.sh");
		Files.writeString(stub, "#!/bin/sh\necho \"image entrypoint: $*\"\n");
		Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	@AfterEach
	void deleteCreatedUsers() throws Exception {
		for (String user : this.created) {
			management("DELETE", user, null);
		}
	}

	@Test
	void firstStartRecordsTheConfiguredUserAndHandsOverToTheImage() throws Exception {
		Result result = entrypoint("streamctl", "rabbitmq-server");

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("image entrypoint: rabbitmq-server");
		assertThat(Files.readAllLines(this.usersFile)).containsExactly("streamctl");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.usersFile))).isEqualTo("rw-------");
	}

	@Test
	void anotherCommandThanTheServerLeavesTheUserListAlone() throws Exception {
		Files.writeString(this.usersFile, "earlier\n");

		Result result = entrypoint("streamctl", "rabbitmq-diagnostics", "ping");

		assertThat(result.output()).contains("image entrypoint: rabbitmq-diagnostics ping");
		assertThat(Files.readString(this.usersFile)).isEqualTo("earlier\n");
	}

	@Test
	void deletesTheUserOfAnEarlierStartOnceTheConfiguredUserIsAnAdministrator() throws Exception {
		requireLocalBroker();
		String previous = user("previous", "administrator");
		String byHand = user("by-hand", "monitoring");
		String configured = user("configured", "administrator");
		Files.writeString(this.usersFile, previous + "\n");

		Result result = entrypoint(configured, "rabbitmq-server");

		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("deleted the previous broker user " + previous);
		assertThat(exists(previous)).as("%s exists", previous).isFalse();
		assertThat(exists(configured)).as("%s exists", configured).isTrue();
		assertThat(exists(byHand)).as("%s exists", byHand).isTrue();
		assertThat(Files.readAllLines(this.usersFile)).containsExactly(configured);
	}

	@Test
	void keepsTheEarlierUserWhileTheConfiguredUserIsNoAdministrator() throws Exception {
		requireLocalBroker();
		String previous = user("previous", "administrator");
		String configured = user("configured", "management");
		Files.writeString(this.usersFile, previous + "\n");

		Result result = entrypoint(configured, "rabbitmq-server");

		assertThat(result.output()).contains(configured + " is not an administrator in the broker");
		assertThat(exists(previous)).as("%s exists", previous).isTrue();
		assertThat(exists(configured)).as("%s exists", configured).isTrue();
		assertThat(Files.readAllLines(this.usersFile)).as("tried again at the next start")
			.containsExactlyInAnyOrder(previous, configured);
	}

	/** A new broker user with the given tag, deleted after the test. */
	private String user(String role, String tag) throws Exception {
		String name = "streamctl-test-" + role + "-" + this.suffix;
		String body = "{\"password\":\"" + UUID.randomUUID() + "\",\"tags\":\"" + tag + "\"}";
		assertThat(management("PUT", name, body)).as("create %s", name).isBetween(200, 299);
		this.created.add(name);
		return name;
	}

	private boolean exists(String user) throws Exception {
		int status = management("GET", user, null);
		assertThat(status).as("GET user %s", user).isIn(200, 404);
		return status == 200;
	}

	private int management(String method, String user, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(MANAGEMENT.resolve(user))
			.header("Authorization", GUEST)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private Result entrypoint(String user, String... command) throws Exception {
		List<String> arguments = new ArrayList<>(List.of("bash", "-o", "pipefail", "-c", "sh \"$0\" \"$@\" 2>&1 | cat",
				repositoryRoot().resolve("rabbitmq/entrypoint.sh").toString()));
		arguments.addAll(List.of(command));
		ProcessBuilder builder = new ProcessBuilder(arguments);
		Map<String, String> env = builder.environment();
		env.put("PATH", this.stubs + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
		env.put("STREAMCTL_BROKER_USER", user);
		env.put("STREAMCTL_BROKER_PASSWORD", "not-used-by-these-tests");
		env.put("STREAMCTL_DEFINITIONS_SOURCE", repositoryRoot().resolve("rabbitmq/definitions.json").toString());
		env.put("STREAMCTL_DEFINITIONS_OUTPUT", this.work.resolve("definitions.generated.json").toString());
		env.put("STREAMCTL_USERS_FILE", this.usersFile.toString());
		return run(builder, 120);
	}

	private static void requireLocalBroker() throws Exception {
		Result status;
		try {
			status = run(new ProcessBuilder("rabbitmqctl", "-q", "await_startup", "--timeout", "10"), 60);
		}
		catch (IOException ex) {
			status = new Result(-1, ex.getMessage());
		}
		// fails rather than skips: CI and every machine of this kind have the broker
		// (.ci/run starts it)
		assertThat(status.exitCode()).as("needs rabbitmqctl of a RabbitMQ running on this machine: %s", status.output())
			.isZero();
	}

}
