package dev.streamctl.gateway.hook.web;

import java.nio.charset.StandardCharsets;

import dev.streamctl.gateway.hook.HookRequest;
import dev.streamctl.gateway.hook.HookService;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * SRS 6 {@code http_hooks} endpoint: every callback is posted here and dispatched on its
 * {@code action}. SRS lets a publisher or player in only on HTTP 200 with
 * {@code {"code":0}}; anything else refuses it.
 *
 * <p>
 * It runs on the HTTP server's event loop and never blocks it: the answer is written when
 * the hook's event is safe (see {@link HookService}), from whichever thread completes
 * that.
 */
@Component
class HookEndpoint {

	static final String PATH = "/srs/hooks";

	private static final String UNKNOWN_ACTION = "unknown";

	private static final byte[] ACCEPTED = "{\"code\":0}".getBytes(StandardCharsets.US_ASCII);

	private final HookService hooks;

	private final SrsCallbacks callbacks;

	private final ObjectMapper json;

	HookEndpoint(HookService hooks, SrsCallbacks callbacks, ObjectMapper json) {
		this.hooks = hooks;
		this.callbacks = callbacks;
		this.json = json;
	}

	Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		long start = System.nanoTime();
		return this.callbacks.read(request).map(body -> HookRequest.parse(this.json, body)).flatMap(hook -> {
			String action = hook.action().srsName();
			// subscribed on its own, so that a hook SRS hangs up on still completes and
			// is counted
			return Mono.fromFuture(this.hooks.handle(hook)
				.map(outcome -> this.callbacks.ok(action, outcome, ACCEPTED))
				.onErrorResume(ex -> Mono.just(this.callbacks.failed(action, ex)))
				.map(reply -> this.callbacks.counted(reply, start))
				.toFuture(), true);
		})
			.onErrorResume(ex -> Mono.just(this.callbacks.failed(UNKNOWN_ACTION, ex))
				.map(reply -> this.callbacks.counted(reply, start)))
			.flatMap(reply -> this.callbacks.send(response, reply));
	}

}
