package dev.streamctl.common.test;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository the tests run in, found from the working directory upwards. */
public final class RepositoryFiles {

	private RepositoryFiles() {
	}

	/**
	 * The file or directory at {@code relativePath} of the nearest directory above the
	 * working directory (itself included) that has one: each module's tests run in the
	 * module's directory.
	 */
	public static Path find(String relativePath) {
		Path start = Path.of("").toAbsolutePath();
		for (Path dir = start; dir != null; dir = dir.getParent()) {
			Path candidate = dir.resolve(relativePath);
			if (Files.exists(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException(relativePath + " not found above " + start);
	}

}
