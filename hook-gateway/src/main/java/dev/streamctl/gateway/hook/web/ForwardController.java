package dev.streamctl.gateway.hook.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.gateway.forward.ForwardService;
import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SRS 6 dynamic forward backend ({@code forward { backend ...; }}): answers {@code on_forward} with the URLs
 * to relay the stream to, {@code {"code":0,"data":{"urls":[...]}}}. An empty list relays nothing; SRS takes
 * it. Any non-zero answer would make SRS refuse the publisher, so only malformed requests get one.
 */
@RestController
class ForwardController {

	static final String PATH = "/srs/forward";

	private static final Logger log = LoggerFactory.getLogger(ForwardController.class);

	private static final String ACTION = "on_forward";

	private final ForwardService forwards;

	private final SrsCallbacks callbacks;

	private final ObjectMapper json;

	ForwardController(ForwardService forwards, SrsCallbacks callbacks, ObjectMapper json) {
		this.forwards = forwards;
		this.callbacks = callbacks;
		this.json = json;
	}

	@PostMapping(PATH)
	ResponseEntity<Object> forward(@RequestParam(name = "secret", required = false) String givenSecret,
			@RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType, InputStream body)
			throws IOException {
		long start = System.nanoTime();
		try {
			JsonNode request = parse(this.callbacks.read(givenSecret, contentType, body));
			List<String> urls = this.forwards.urls(request.get("app").asString(), key(request.get("stream").asString()));
			this.callbacks.record(ACTION, urls.isEmpty() ? HookOutcome.IGNORED : HookOutcome.CONFIRMED, start);
			return ResponseEntity.ok(new ForwardAnswer(0, new Urls(urls)));
		}
		catch (HookRejectedException ex) {
			this.callbacks.record(ACTION, ex.outcome(), start);
			log.warn("Rejected on_forward with {}: {}", ex.status().value(), ex.getMessage());
			return ResponseEntity.status(ex.status()).body(HookAnswer.rejected(ex));
		}
	}

	private JsonNode parse(byte[] body) {
		JsonNode request;
		try {
			request = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw invalid("body is not valid JSON");
		}
		if (request == null || !request.isObject() || !ACTION.equals(request.path("action").asString(""))) {
			throw invalid("body must be an on_forward request");
		}
		for (String field : List.of("app", "stream")) {
			if (!request.path(field).isString() || request.path(field).asString().isEmpty()) {
				throw invalid("field '" + field + "' is required for on_forward");
			}
		}
		return request;
	}

	private static StreamKey key(String stream) {
		try {
			return StreamKey.of(stream);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
	}

	private static HookRejectedException invalid(String message) {
		return new HookRejectedException(HttpStatus.BAD_REQUEST, HookOutcome.INVALID, message);
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ForwardAnswer(int code, Urls data) {
	}

	record Urls(List<String> urls) {
	}

}
