package dev.streamctl.gateway.hook;

import java.time.Clock;
import java.util.Locale;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamEvent;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.gateway.auth.PublishAuthorization;
import dev.streamctl.gateway.delivery.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Turns SRS hooks into stream events: {@code on_publish} of a configured app into
 * {@link StreamPublished}, {@code on_unpublish} into {@link StreamUnpublished}, and the
 * {@code on_close} of a publisher that had no {@code on_unpublish} into a
 * {@link StreamUnpublished} marked
 * {@link StreamUnpublished.Reason#CLOSED_WITHOUT_UNPUBLISH}. Every other hook is ignored.
 */
@Service
public class HookService {

	private static final Logger log = LoggerFactory.getLogger(HookService.class);

	private final HookSettings settings;

	private final StreamNamePolicy names;

	private final PublisherSessions sessions;

	private final EventSink delivery;

	private final PublishAuthorization authorization;

	private static final Mono<HookOutcome> IGNORED = Mono.just(HookOutcome.IGNORED);

	private final Clock clock;

	HookService(HookSettings settings, StreamNamePolicy names, PublisherSessions sessions, EventSink delivery,
			PublishAuthorization authorization, Clock clock) {
		this.authorization = authorization;
		this.settings = settings;
		this.names = names;
		this.sessions = sessions;
		this.delivery = delivery;
		this.clock = clock;
	}

	/**
	 * Handles one hook; the answer completes once its event is safe (confirmed or
	 * spooled). Nothing here blocks the caller.
	 * @return the outcome, or the error {@link HookRejectedException} when an
	 * {@code on_publish} must be refused: an unsafe name, or a key the
	 * {@link PublishAuthorization} does not let in
	 */
	public Mono<HookOutcome> handle(HookRequest hook) {
		return switch (hook.action()) {
			case ON_PUBLISH -> Mono.defer(() -> published(hook));
			case ON_UNPUBLISH -> Mono.defer(() -> unpublished(hook));
			case ON_CLOSE -> Mono.defer(() -> closed(hook));
			default -> IGNORED;
		};
	}

	private Mono<HookOutcome> published(HookRequest hook) {
		if (!this.settings.apps().contains(hook.app())) {
			return IGNORED;
		}
		StreamKey key = this.names.check(hook.stream());
		return this.authorization.authorize(hook.ip(), key).flatMap(decision -> {
			if (!decision.allowed()) {
				return Mono
					.error(new HookRejectedException(HttpStatus.FORBIDDEN, HookOutcome.REFUSED, "publish refused"));
			}
			SrsSession session = session(hook, key);
			this.sessions.opened(session);
			return deliver(StreamPublished.of(this.clock.instant(), EventSource.SRS_HOOK, session));
		});
	}

	private Mono<HookOutcome> unpublished(HookRequest hook) {
		if (!this.settings.apps().contains(hook.app())) {
			return IGNORED;
		}
		this.sessions.closed(hook.serverId(), hook.clientId());
		StreamKey key;
		try {
			key = StreamKey.of(hook.stream());
		}
		catch (IllegalArgumentException ex) {
			log.warn("Ignoring on_unpublish of client {}: {}", hook.clientId(), ex.getMessage());
			return IGNORED;
		}
		return deliver(StreamUnpublished.of(this.clock.instant(), EventSource.SRS_HOOK, session(hook, key),
				StreamUnpublished.Reason.UNPUBLISHED));
	}

	private Mono<HookOutcome> closed(HookRequest hook) {
		SrsSession session = this.sessions.closed(hook.serverId(), hook.clientId());
		if (session == null) {
			return IGNORED;
		}
		return deliver(StreamUnpublished.of(this.clock.instant(), EventSource.SRS_HOOK, session,
				StreamUnpublished.Reason.CLOSED_WITHOUT_UNPUBLISH));
	}

	/**
	 * The delivery goes on if the caller stops waiting (SRS hung up): the event is
	 * confirmed or spooled, and logged, all the same.
	 */
	private Mono<HookOutcome> deliver(StreamEvent event) {
		return Mono.fromFuture(this.delivery.deliver(event).thenApply(outcome -> {
			log.info("{} {}/{} client {} -> {} {}", event.routingKey(), event.session().app(), event.session().stream(),
					event.session().clientId(), event.eventId(), outcome.name().toLowerCase(Locale.ROOT));
			return HookOutcome.of(outcome);
		}), true);
	}

	private static SrsSession session(HookRequest hook, StreamKey key) {
		return new SrsSession(hook.serverId(), hook.serviceId(), hook.clientId(), hook.streamId(), hook.vhost(),
				hook.app(), key, hook.param(), hook.ip());
	}

}
