package dev.streamctl.common.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real SRS 6.0.157 payloads in the repository's {@code test-fixtures/srs/} (see its
 * README), with names and ids changed per test where needed.
 */
public final class SrsFixtures {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private SrsFixtures() {
	}

	/** {@code test-fixtures/srs/} of the repository the tests run in. */
	public static Path directory() {
		return RepositoryFiles.find("test-fixtures/srs");
	}

	/** A fixture exactly as SRS sent it. */
	public static String raw(String name) {
		try {
			return Files.readString(directory().resolve(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A fixture with some of its top-level fields replaced, e.g.
	 * {@code Map.of("stream", "k1", "client_id", "c1")}; a field the fixture does not
	 * have is not added, so every body keeps the shape SRS gave it.
	 */
	public static String with(String name, Map<String, String> replacements) {
		ObjectNode body = (ObjectNode) JSON.readTree(raw(name));
		replacements.forEach((field, value) -> {
			if (body.has(field)) {
				body.put(field, value);
			}
		});
		if (replacements.containsKey("stream") && body.has("stream_url")) {
			body.put("stream_url", "/" + body.get("app").asString() + "/" + replacements.get("stream"));
		}
		return JSON.writeValueAsString(body);
	}

}
