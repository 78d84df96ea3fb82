package dev.streamctl.gateway.hook.web;

import java.io.IOException;
import java.io.InputStream;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookRequest;
import dev.streamctl.gateway.hook.HookService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpHeaders;
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

	private final SrsCallbacks callbacks;

	private final ObjectMapper json;

	HookController(HookService hooks, SrsCallbacks callbacks, ObjectMapper json) {
		this.hooks = hooks;
		this.callbacks = callbacks;
		this.json = json;
	}

	@PostMapping(PATH)
	ResponseEntity<HookAnswer> hook(@RequestParam(name = "secret", required = false) String givenSecret,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType, InputStream body)
			throws IOException {
		long start = System.nanoTime();
		String action = UNKNOWN_ACTION;
		try {
			HookRequest hook = HookRequest.parse(this.json, this.callbacks.read(givenSecret, contentType, body));
			action = hook.action().srsName();
			HookOutcome outcome = this.hooks.handle(hook);
			this.callbacks.record(action, outcome, start);
			return ResponseEntity.ok(HookAnswer.ACCEPTED);
		}
		catch (HookRejectedException ex) {
			this.callbacks.record(action, ex.outcome(), start);
			log.warn("Rejected {} hook with {}: {}", action, ex.status().value(), ex.getMessage());
			return ResponseEntity.status(ex.status()).body(HookAnswer.rejected(ex));
		}
	}

}
