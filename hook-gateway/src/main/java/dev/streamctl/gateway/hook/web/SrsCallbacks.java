package dev.streamctl.gateway.hook.web;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.streamctl.gateway.hook.HookOutcome;
import dev.streamctl.gateway.hook.HookRejectedException;
import dev.streamctl.gateway.hook.HookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * What every SRS callback endpoint does around its own work: checks the hook secret, a
 * JSON content type and a bounded size before reading a body, writes the JSON answer, and
 * counts every answer ({@code gateway.hooks}, by action and outcome, with the time from
 * the request to the answer).
 */
@Component
class SrsCallbacks {

	private static final Logger log = LoggerFactory.getLogger(SrsCallbacks.class);

	/**
	 * The query parameter SRS's hook URLs carry the hook secret in (SRS cannot send
	 * headers), and the name of the path variable of the heartbeat route that carries it.
	 */
	static final String SECRET_PARAMETER = "secret";

	private static final String JSON = "application/json";

	private final HookSecret secret;

	private final int maxBodyBytes;

	private final MeterRegistry meters;

	private final ObjectMapper json;

	private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

	SrsCallbacks(HookSecret secret, HookSettings settings, MeterRegistry meters, ObjectMapper json) {
		this.secret = secret;
		this.maxBodyBytes = Math.toIntExact(settings.maxBodySize().toBytes());
		this.meters = meters;
		this.json = json;
	}

	/**
	 * The body of an authorized JSON callback whose URL carries the secret as the query
	 * parameter {@value #SECRET_PARAMETER}; the error {@link HookRejectedException} for a
	 * wrong secret, content type or size.
	 */
	Mono<byte[]> read(HttpServerRequest request) {
		if (!this.secret.isRequired()) {
			return read(request, null, "");
		}
		List<String> given = new QueryStringDecoder(request.uri()).parameters().get(SECRET_PARAMETER);
		return read(request, (given == null) ? null : given.get(0), "query parameter '" + SECRET_PARAMETER + "'");
	}

	/**
	 * The body of an authorized JSON callback, as {@link #read(HttpServerRequest)}, whose
	 * secret is the route's path variable {@value #SECRET_PARAMETER}.
	 * @param where the route that carries it, for the error message
	 */
	Mono<byte[]> readWithSecretInPath(HttpServerRequest request, String where) {
		return read(request, request.param(SECRET_PARAMETER), where);
	}

	private Mono<byte[]> read(HttpServerRequest request, @Nullable String givenSecret, String where) {
		try {
			this.secret.check(givenSecret, where);
			requireJson(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE));
			String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
			if (length != null && length.length() < 12 && Long.parseLong(length.strip()) > this.maxBodyBytes) {
				throw tooLarge();
			}
		}
		catch (HookRejectedException ex) {
			return Mono.error(ex);
		}
		catch (NumberFormatException ex) {
			return Mono.error(HookRejectedException.invalid("Content-Length is not a number"));
		}
		return request.receive().reduceWith(ByteArrayOutputStream::new, (body, chunk) -> {
			if (body.size() + chunk.readableBytes() > this.maxBodyBytes) {
				throw tooLarge();
			}
			byte[] bytes = new byte[chunk.readableBytes()];
			chunk.readBytes(bytes);
			body.writeBytes(bytes);
			return body;
		}).map(ByteArrayOutputStream::toByteArray);
	}

	/** HTTP 200 with a JSON body, to be counted under the action and outcome. */
	Reply ok(String action, HookOutcome outcome, byte[] body) {
		return new Reply(action, outcome, HttpResponseStatus.OK, body);
	}

	/**
	 * The answer to a callback that failed: a {@link HookRejectedException} gives its
	 * status and {@code {"code":<status>,"error":"..."}} (logged as a warning); anything
	 * else is a failure of our own, answered with 500 (SRS refuses the client, as it
	 * would without an answer) and logged as an error.
	 */
	Reply failed(String action, Throwable failure) {
		HookRejectedException rejection;
		if (failure instanceof HookRejectedException rejected) {
			rejection = rejected;
			log.warn("Rejected {} hook with {}: {}", action, rejection.status().value(), rejection.getMessage());
		}
		else {
			rejection = new HookRejectedException(HttpStatus.INTERNAL_SERVER_ERROR, HookOutcome.FAILED,
					"internal error");
			log.error("Answering {} hook with 500", action, failure);
		}
		return new Reply(action, rejection.outcome(), HttpResponseStatus.valueOf(rejection.status().value()),
				this.json.writeValueAsBytes(HookAnswer.rejected(rejection)));
	}

	/**
	 * Counts an answer under its action and outcome, with the time since the request
	 * came. A hook is counted when its answer is ready, whether or not SRS is still there
	 * to read it: what the gateway did with the hook (its event confirmed or spooled)
	 * stands all the same.
	 */
	Reply counted(Reply reply, long startNanos) {
		this.timers.computeIfAbsent(new TimerKey(reply.action(), reply.outcome()), this::timer)
			.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
		return reply;
	}

	/** Writes an answer. */
	Mono<Void> send(HttpServerResponse response, Reply reply) {
		return response.status(reply.status())
			.header(HttpHeaderNames.CONTENT_TYPE, JSON)
			.sendByteArray(Mono.just(reply.body()))
			.then();
	}

	byte[] toJson(Object answer) {
		return this.json.writeValueAsBytes(answer);
	}

	private Timer timer(TimerKey key) {
		return Timer.builder("gateway.hooks")
			.description("SRS callbacks answered, by action and outcome, and how long the answer took")
			.tag("action", key.action())
			.tag("outcome", key.outcome().tag())
			.publishPercentileHistogram()
			.register(this.meters);
	}

	private HookRejectedException tooLarge() {
		return new HookRejectedException(HttpStatus.CONTENT_TOO_LARGE, HookOutcome.INVALID,
				"body is larger than " + this.maxBodyBytes + " bytes");
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

	private record TimerKey(String action, HookOutcome outcome) {
	}

	/** An answer to write, and what it is counted as. */
	// never compared or hashed: the body is written once, then dropped
	@SuppressWarnings("ArrayRecordComponent")
	record Reply(String action, HookOutcome outcome, HttpResponseStatus status, byte[] body) {
	}

}
