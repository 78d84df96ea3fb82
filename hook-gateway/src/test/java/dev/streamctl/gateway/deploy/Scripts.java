package dev.streamctl.gateway.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.streamctl.common.test.RepositoryFiles;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository's deployment files, and the scripts among them run as processes. */
final class Scripts {

	private Scripts() {
	}

	/**
	 * The repository root: the directory above the working directory that holds
	 * {@code docker-compose.yml}.
	 */
	static Path repositoryRoot() {
		return RepositoryFiles.find("docker-compose.yml").getParent();
	}

	/**
	 * Runs the command to its end, within the given seconds, with its output and errors
	 * together.
	 */
	static Result run(ProcessBuilder builder, int seconds) throws IOException, InterruptedException {
		Process process = builder.redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("%s ends", builder.command()).isTrue();
		return new Result(process.exitValue(), output);
	}

	record Result(int exitCode, String output) {
	}

}
