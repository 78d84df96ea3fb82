package dev.streamctl.gateway.hook;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.streamctl.common.event.SrsSession;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The publisher sessions this gateway saw start and not yet end, by SRS server and client
 * id, so that an {@code on_close} (which carries no stream) can end a session SRS refused
 * after its {@code on_publish}. Bounded: past {@link HookSettings#maxTrackedSessions()}
 * the oldest are forgotten. It lives in this process only; a session whose
 * {@code on_close} reaches another instance, or comes after a restart, is left to the
 * status worker's reconciler.
 */
@Component
class PublisherSessions {

	private final Map<String, SrsSession> open;

	PublisherSessions(HookSettings settings) {
		int max = settings.maxTrackedSessions();
		this.open = new LinkedHashMap<>(16, 0.75f, false) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, SrsSession> eldest) {
				return size() > max;
			}
		};
	}

	synchronized void opened(SrsSession session) {
		this.open.put(key(session.serverId(), session.clientId()), session);
	}

	/** Ends a session; answers it if it was open, or null. */
	synchronized @Nullable SrsSession closed(String serverId, String clientId) {
		return this.open.remove(key(serverId, clientId));
	}

	private static String key(String serverId, String clientId) {
		return (serverId == null ? "" : serverId) + '/' + clientId;
	}

}
