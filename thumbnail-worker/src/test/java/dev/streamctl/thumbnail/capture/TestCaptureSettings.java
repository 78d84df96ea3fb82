package dev.streamctl.thumbnail.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.util.unit.DataSize;

/**
 * {@link CaptureSettings} for unit tests: the documented defaults, with the few values a
 * test needs changed, so that a new setting is added here once.
 */
final class TestCaptureSettings {

	private final Path directory;

	private String inputUrl = "http://srs:8080/{app}/{stream}.flv";

	private DataSize maxKeyframeSize = DataSize.ofMegabytes(4);

	private Duration headerTimeout = Duration.ofSeconds(3);

	private Duration videoTimeout = Duration.ofSeconds(5);

	private Duration stallTimeout = Duration.ofSeconds(20);

	private Duration restartBackoff = Duration.ofSeconds(1);

	private Duration restartMaxBackoff = Duration.ofSeconds(30);

	private int maxFailures = 5;

	private TestCaptureSettings(Path directory) {
		this.directory = directory;
	}

	/** The defaults, writing thumbnails to {@code directory}. */
	static TestCaptureSettings in(Path directory) {
		return new TestCaptureSettings(directory);
	}

	TestCaptureSettings inputUrl(String template) {
		this.inputUrl = template;
		return this;
	}

	TestCaptureSettings maxKeyframeSize(DataSize size) {
		this.maxKeyframeSize = size;
		return this;
	}

	TestCaptureSettings headerTimeout(Duration timeout) {
		this.headerTimeout = timeout;
		return this;
	}

	TestCaptureSettings videoTimeout(Duration timeout) {
		this.videoTimeout = timeout;
		return this;
	}

	TestCaptureSettings stallTimeout(Duration timeout) {
		this.stallTimeout = timeout;
		return this;
	}

	/** The first pause before a reconnect, and the longest. */
	TestCaptureSettings backoff(Duration first, Duration longest) {
		this.restartBackoff = first;
		this.restartMaxBackoff = longest;
		return this;
	}

	TestCaptureSettings maxFailures(int failures) {
		this.maxFailures = failures;
		return this;
	}

	CaptureSettings build() {
		return new CaptureSettings(this.directory, Duration.ofSeconds(10), 320, 5, this.inputUrl, 500, 1,
				this.maxKeyframeSize, this.headerTimeout, this.videoTimeout, this.stallTimeout, this.restartBackoff,
				this.restartMaxBackoff, this.maxFailures, true, 5, Pattern.compile("[A-Za-z0-9._~-]{1,255}"),
				Duration.ofMinutes(2));
	}

}
