package dev.streamctl.gateway.hook.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.streamctl.gateway.heartbeat.HeartbeatRequest;
import dev.streamctl.gateway.heartbeat.HeartbeatService;
import dev.streamctl.gateway.hook.HookOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * SRS 6 {@code heartbeat} endpoint ({@code heartbeat { url ...; }}): publishes each
 * heartbeat as an {@code srs.heartbeat} event and answers {@code {"code":0}}. SRS reads
 * the answer and ignores it, whatever its status, so a wrong secret or a bad body shows
 * only here: logged as a warning and counted. Every answer is counted in
 * {@code gateway.heartbeats} by outcome, with the time from the request to the answer.
 *
 * <p>
 * SRS posts a heartbeat to its URL's path only, without the query string, so the hook
 * secret is the URL's last path segment: {@value #PATH}{@code /<secret>}. Like the hooks,
 * the answer is written once the event is safe, from whichever thread completes that,
 * never blocking the event loop; the delivery goes on if SRS hangs up.
 */
@Component
class HeartbeatEndpoint {

	static final String PATH = "/srs/heartbeat";

	/** The route whose last segment is the hook secret. */
	static final String SECRET_PATH = PATH + "/{" + SrsCallbacks.SECRET_PARAMETER + "}";

	private static final String ACTION = "heartbeat";

	private static final String SECRET_LOCATION = "the last path segment of " + PATH
			+ "/<secret>: SRS drops the query string of its heartbeat URL";

	private static final byte[] ACCEPTED = "{\"code\":0}".getBytes(StandardCharsets.US_ASCII);

	private final HeartbeatService heartbeats;

	private final SrsCallbacks callbacks;

	private final ObjectMapper json;

	private final MeterRegistry meters;

	private final Map<HookOutcome, Timer> timers = new ConcurrentHashMap<>();

	HeartbeatEndpoint(HeartbeatService heartbeats, SrsCallbacks callbacks, ObjectMapper json, MeterRegistry meters) {
		this.heartbeats = heartbeats;
		this.callbacks = callbacks;
		this.json = json;
		this.meters = meters;
	}

	Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		long start = System.nanoTime();
		return this.callbacks.readWithSecretInPath(request, SECRET_LOCATION)
			.map(body -> HeartbeatRequest.parse(this.json, body))
			// subscribed on its own, so that a heartbeat SRS hangs up on still completes
			// and is counted
			.flatMap(beat -> Mono.fromFuture(publish(beat, start), true))
			.onErrorResume(ex -> Mono.just(counted(this.callbacks.failed(ACTION, ex), start)))
			.flatMap(reply -> this.callbacks.send(response, reply));
	}

	private CompletableFuture<SrsCallbacks.Reply> publish(HeartbeatRequest beat, long start) {
		CompletableFuture<HookOutcome> outcome;
		try {
			outcome = this.heartbeats.handle(beat);
		}
		catch (RuntimeException ex) {
			outcome = CompletableFuture.failedFuture(ex);
		}
		return outcome.handle((published, failure) -> counted((failure == null)
				? this.callbacks.ok(ACTION, published, ACCEPTED) : this.callbacks.failed(ACTION, failure), start));
	}

	private SrsCallbacks.Reply counted(SrsCallbacks.Reply reply, long startNanos) {
		this.timers.computeIfAbsent(reply.outcome(), this::timer)
			.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
		return reply;
	}

	private Timer timer(HookOutcome outcome) {
		return Timer.builder("gateway.heartbeats")
			.description("SRS heartbeats answered, by outcome, and how long the answer took")
			.tag("outcome", outcome.tag())
			.register(this.meters);
	}

}
