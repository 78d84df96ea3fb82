package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * The thumbnail directory. A thumbnail is written beside its target under a hidden
 * temporary name and renamed over it, so a reader (nginx) sees the old image or the new
 * one, never part of one. Names are the channels' public names only: 32 lowercase hex
 * digits.
 */
@Component
class ThumbnailFiles {

	private static final Pattern PUBLIC_NAME = Pattern.compile("[0-9a-f]{32}");

	private final Path directory;

	ThumbnailFiles(CaptureSettings settings) {
		this.directory = settings.directory();
		try {
			Files.createDirectories(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create the thumbnail directory " + this.directory.toAbsolutePath(),
					ex);
		}
	}

	void write(String publicName, byte[] jpeg) throws IOException {
		Path target = file(publicName);
		Path partial = this.directory.resolve("." + publicName + "." + UUID.randomUUID() + ".tmp");
		try {
			Files.write(partial, jpeg);
			Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		finally {
			Files.deleteIfExists(partial);
		}
	}

	void delete(String publicName) throws IOException {
		Files.deleteIfExists(file(publicName));
	}

	boolean isWritable() {
		return Files.isDirectory(this.directory) && Files.isWritable(this.directory);
	}

	Path file(String publicName) {
		if (!PUBLIC_NAME.matcher(publicName).matches()) {
			throw new IllegalArgumentException("not a public name: expected 32 lowercase hex digits");
		}
		return this.directory.resolve(publicName + ".jpg");
	}

}
