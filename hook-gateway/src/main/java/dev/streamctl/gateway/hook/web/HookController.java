package dev.streamctl.gateway.hook.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookRequest;
import dev.streamctl.gateway.hook.HookService;
import dev.streamctl.gateway.hook.HookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SRS 6 {@code http_hooks} endpoint: every callback is posted here and dispatched on its {@code action}.
 * SRS lets a publisher or player in only on HTTP 200 with {@code {"code":0}}; anything else refuses it.
 */
@RestController
class HookController {

	static final String PATH = "/srs/hooks";

	private static final Logger log = LoggerFactory.getLogger(HookController.class);

	private static final String UNKNOWN_ACTION = "unknown";

	private final HookService hooks;

	private final HookSecret secret;

	private final ObjectMapper json;

	private final int maxBodyBytes;

	private final MeterRegistry meters;

	HookController(HookService hooks, HookSecret secret, ObjectMapper json, HookSettings settings, MeterRegistry meters) {
		this.hooks = hooks;
		this.secret = secret;
		this.json = json;
		this.maxBodyBytes = Math.toIntExact(settings.maxBodySize().toBytes());
		this.meters = meters;
	}

	@PostMapping(PATH)
	ResponseEntity<HookAnswer> hook(@RequestParam(name = "secret", required = false) String givenSecret,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType, InputStream body)
			throws IOException {
		long start = System.nanoTime();
		String action = UNKNOWN_ACTION;
		try {
			this.secret.check(givenSecret);
			requireJson(contentType);
			HookRequest hook = HookRequest.parse(this.json, readBounded(body));
			action = hook.action().srsName();
			HookOutcome outcome = this.hooks.handle(hook);
			record(action, outcome, start);
			return ResponseEntity.ok(HookAnswer.ACCEPTED);
		}
		catch (HookRejectedException ex) {
			record(action, ex.outcome(), start);
			log.warn("Rejected {} hook with {}: {}", action, ex.status().value(), ex.getMessage());
			return ResponseEntity.status(ex.status()).body(HookAnswer.rejected(ex));
		}
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

	private byte[] readBounded(InputStream body) throws IOException {
		byte[] bytes = body.readNBytes(this.maxBodyBytes + 1);
		if (bytes.length > this.maxBodyBytes) {
			throw new HookRejectedException(HttpStatus.CONTENT_TOO_LARGE, HookOutcome.INVALID,
					"body is larger than " + this.maxBodyBytes + " bytes");
		}
		return bytes;
	}

	private void record(String action, HookOutcome outcome, long start) {
		Timer.builder("gateway.hooks")
			.description("SRS hooks answered, by action and outcome, and how long the answer took")
			.tag("action", action)
			.tag("outcome", outcome.tag())
			.publishPercentileHistogram()
			.register(this.meters)
			.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
	}

}
