package dev.streamctl.gateway.hook.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * What every SRS callback endpoint checks before reading a body (the hook secret, a JSON content type, a
 * bounded size), and how it counts its answers ({@code gateway.hooks}, by action and outcome).
 */
@Component
class SrsCallbacks {

	private final HookSecret secret;

	private final int maxBodyBytes;

	private final MeterRegistry meters;

	SrsCallbacks(HookSecret secret, HookSettings settings, MeterRegistry meters) {
		this.secret = secret;
		this.maxBodyBytes = Math.toIntExact(settings.maxBodySize().toBytes());
		this.meters = meters;
	}

	/**
	 * The body of an authorized JSON callback.
	 * @throws HookRejectedException for a wrong secret, content type or size
	 */
	byte[] read(String givenSecret, String contentType, InputStream body) throws IOException {
		this.secret.check(givenSecret);
		requireJson(contentType);
		byte[] bytes = body.readNBytes(this.maxBodyBytes + 1);
		if (bytes.length > this.maxBodyBytes) {
			throw new HookRejectedException(HttpStatus.CONTENT_TOO_LARGE, HookOutcome.INVALID,
					"body is larger than " + this.maxBodyBytes + " bytes");
		}
		return bytes;
	}

	void record(String action, HookOutcome outcome, long startNanos) {
		Timer.builder("gateway.hooks")
			.description("SRS callbacks answered, by action and outcome, and how long the answer took")
			.tag("action", action)
			.tag("outcome", outcome.tag())
			.publishPercentileHistogram()
			.register(this.meters)
			.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
	}

	private static void requireJson(String contentType) {
		MediaType type;
		try {
			type = (contentType == null) ? null : MediaType.parseMediaType(contentType);
		}
		catch (InvalidMediaTypeException ex) {
			type = null;
		}
		if (type == null || !MediaType.APPLICATION_JSON.includes(type)) {
			throw new HookRejectedException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, HookOutcome.INVALID,
					"content type must be application/json");
		}
	}

}
