package dev.streamctl.gateway.forward;

import java.util.List;
import java.util.Optional;

import dev.streamctl.store.Channel;
import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.gateway.auth.AuthSettings;
import dev.streamctl.gateway.hook.HookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Answers SRS's forward backend: where to relay a stream. A stream of a configured app is
 * relayed to {@link ForwardSettings#target()} under its channel's public name; SRS's own
 * forwarded copies, and streams whose public name cannot be resolved, get no relay at all
 * (never one under the key), with an error log and a metric for the latter. The answer
 * never refuses: a non-zero code would drop the publisher.
 */
@Service
public class ForwardService {

	private static final Logger log = LoggerFactory.getLogger(ForwardService.class);

	private final ChannelDirectory directory;

	private final ForwardSettings settings;

	private final HookSettings hooks;

	private final AuthSettings auth;

	private final MeterRegistry meters;

	ForwardService(ChannelDirectory directory, ForwardSettings settings, HookSettings hooks, AuthSettings auth,
			MeterRegistry meters) {
		this.directory = directory;
		this.settings = settings;
		this.hooks = hooks;
		this.auth = auth;
		this.meters = meters;
	}

	/** The relay URLs of a stream (empty: none). */
	public List<String> urls(String app, StreamKey stream) {
		if (this.settings.target().isEmpty() || !this.hooks.apps().contains(app)) {
			return count(List.of(), "none");
		}
		if (this.settings.naming() == ForwardSettings.Naming.STREAM_KEY) {
			return count(List.of(this.settings.target() + "/" + stream.value()), "stream_key");
		}
		Optional<Channel> channel;
		try {
			channel = this.directory.find(stream).blockOptional(this.auth.lookupTimeout()).orElseThrow();
		}
		catch (RuntimeException ex) {
			log.error("Not relaying {}: its public name cannot be resolved now ({})", stream, ex.getMessage());
			return count(List.of(), "unresolved");
		}
		if (channel.isEmpty()) {
			log.error("Not relaying {}: no channel has this key", stream);
			return count(List.of(), "unresolved");
		}
		return count(List.of(this.settings.target() + "/" + channel.get().publicName()), "public_name");
	}

	private List<String> count(List<String> urls, String outcome) {
		this.meters.counter("gateway.forwards", "outcome", outcome).increment();
		return urls;
	}

}
