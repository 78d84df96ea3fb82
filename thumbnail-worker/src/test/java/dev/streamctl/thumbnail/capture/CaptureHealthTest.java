package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.thumbnail.capture.decode.DecoderAvailability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness of the capture engine: a decoder that loads and a directory it can write. */
class CaptureHealthTest {

	private static final DecoderAvailability LOADED = new DecoderAvailability(true,
			"FFmpeg 8.0 (LGPL version 3 or later)");

	@TempDir
	Path temporary;

	@Test
	void isUpWithTheDecodersDescriptionWhenTheDecoderLoadsAndTheDirectoryIsWritable() {
		Health health = new CaptureHealth(files(this.temporary.resolve("thumbnails")), LOADED).health();

		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("decoder", "FFmpeg 8.0 (LGPL version 3 or later)");
	}

	@Test
	void isDownWithTheReasonWhenTheDecoderDoesNotLoad() {
		DecoderAvailability missing = new DecoderAvailability(false,
				"the FFmpeg native libraries do not load on linux-riscv64");
		try (CapturedLogs logs = CapturedLogs.of(CaptureHealth.class)) {
			Health health = new CaptureHealth(files(this.temporary.resolve("thumbnails")), missing).health();

			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("error",
					"the FFmpeg native libraries do not load on linux-riscv64");
			assertThat(logs.lines()).containsExactly(
					"ERROR Thumbnails cannot be made: the FFmpeg native libraries do not load on linux-riscv64");
		}
	}

	/**
	 * The directory replaced by a regular file after start-up: not writable for any user.
	 * (A directory without write permission would do for an ordinary user, but the tests
	 * may run as root, for whom permissions do not stop a write.)
	 */
	@Test
	void isDownWhenTheDirectoryIsNoLongerAWritableDirectory() throws IOException {
		Path directory = this.temporary.resolve("thumbnails");
		CaptureHealth health = new CaptureHealth(files(directory), LOADED);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);

		Files.delete(directory);
		Files.writeString(directory, "not a directory");

		assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.health().getDetails()).containsEntry("error", "the thumbnail directory is not writable");
	}

	@Test
	void isDownWhenTheDirectoryIsGone() throws IOException {
		Path directory = this.temporary.resolve("thumbnails");
		CaptureHealth health = new CaptureHealth(files(directory), LOADED);

		Files.delete(directory);

		assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
	}

	private static ThumbnailFiles files(Path directory) {
		return new ThumbnailFiles(TestCaptureSettings.in(directory).build());
	}

}
