package dev.streamctl.gateway.hook.web;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.gateway.forward.ForwardService;
import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * SRS 6 dynamic forward backend ({@code forward { backend ...; }}): answers
 * {@code on_forward} with the URLs to relay the stream to,
 * {@code {"code":0,"data":{"urls":[...]}}}. An empty list relays nothing; SRS takes it.
 * Any non-zero answer would make SRS refuse the publisher, so only malformed requests get
 * one.
 *
 * <p>
 * Resolving a stream's public name may wait on the channel directory, so that part runs
 * off the event loop.
 */
@Component
class ForwardEndpoint {

	static final String PATH = "/srs/forward";

	private static final String ACTION = "on_forward";

	private final ForwardService forwards;

	private final SrsCallbacks callbacks;

	private final ObjectMapper json;

	ForwardEndpoint(ForwardService forwards, SrsCallbacks callbacks, ObjectMapper json) {
		this.forwards = forwards;
		this.callbacks = callbacks;
		this.json = json;
	}

	Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		long start = System.nanoTime();
		return this.callbacks.read(request).map(this::parse).publishOn(Schedulers.boundedElastic()).map(forward -> {
			List<String> urls = this.forwards.urls(forward.get("app").asString(),
					key(forward.get("stream").asString()));
			return this.callbacks.ok(ACTION, urls.isEmpty() ? HookOutcome.IGNORED : HookOutcome.CONFIRMED,
					this.callbacks.toJson(new ForwardAnswer(0, new Urls(urls))));
		})
			.onErrorResume(ex -> Mono.just(this.callbacks.failed(ACTION, ex)))
			.map(reply -> this.callbacks.counted(reply, start))
			.flatMap(reply -> this.callbacks.send(response, reply));
	}

	private JsonNode parse(byte[] body) {
		JsonNode request;
		try {
			request = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw HookRejectedException.invalid("body is not valid JSON");
		}
		if (request == null || !request.isObject() || !ACTION.equals(request.path("action").asString(""))) {
			throw HookRejectedException.invalid("body must be an on_forward request");
		}
		for (String field : List.of("app", "stream")) {
			if (!request.path(field).isString() || request.path(field).asString().isEmpty()) {
				throw HookRejectedException.invalid("field '" + field + "' is required for on_forward");
			}
		}
		return request;
	}

	private static StreamKey key(String stream) {
		try {
			return StreamKey.of(stream);
		}
		catch (IllegalArgumentException ex) {
			throw HookRejectedException.invalid(ex.getMessage());
		}
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ForwardAnswer(int code, Urls data) {
	}

	record Urls(List<String> urls) {
	}

}
