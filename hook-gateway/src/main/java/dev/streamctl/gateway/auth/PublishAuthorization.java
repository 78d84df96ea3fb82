package dev.streamctl.gateway.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.streamctl.store.ChannelDirectory;
import dev.streamctl.common.event.StreamKey;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Decides whether an {@code on_publish} may go on. In {@code known-keys} mode a key must
 * belong to a channel: the answer comes from the directory's cache (warmed by
 * {@link DirectoryWarmer}), or from a lookup bounded by
 * {@link AuthSettings#lookupTimeout()}. When the directory cannot be asked, the failure
 * mode decides. An address that tried too many unknown keys lately is refused without a
 * lookup, so the endpoint is no oracle for guessing keys. Every decision is counted;
 * refusals are logged with the key masked.
 */
@Service
public class PublishAuthorization {

	private static final Logger log = LoggerFactory.getLogger(PublishAuthorization.class);

	private static final long MAX_TRACKED_ADDRESSES = 100_000;

	private final ChannelDirectory directory;

	private final AuthSettings settings;

	private final MeterRegistry meters;

	private final Cache<String, AtomicInteger> unknownByAddress;

	/**
	 * @param clock measures {@link AuthSettings#unknownKeyWindow()}, which starts at an
	 * address's first unknown key
	 */
	public PublishAuthorization(ChannelDirectory directory, AuthSettings settings, MeterRegistry meters, Clock clock) {
		this.directory = directory;
		this.settings = settings;
		this.meters = meters;
		this.unknownByAddress = Caffeine.newBuilder()
			.maximumSize(MAX_TRACKED_ADDRESSES)
			.expireAfterWrite(settings.unknownKeyWindow().toMillis(), TimeUnit.MILLISECONDS)
			.ticker(ticker(clock))
			.build();
	}

	/**
	 * Decides on a publish. The answer is immediate in open mode and on a cache hit; a
	 * lookup completes it on the directory client's threads. It never fails: a directory
	 * that cannot be asked gives the failure mode's decision.
	 */
	public Mono<Decision> authorize(String address, StreamKey key) {
		return decide(address, key).doOnNext(decision -> {
			this.meters.counter("gateway.auth.decisions", "decision", decision.tag()).increment();
			if (!decision.allowed() || decision == Decision.FAILED_OPEN) {
				log.warn("Publish of {} from {}: {}", key, address, decision.tag());
			}
		});
	}

	private Mono<Decision> decide(String address, StreamKey key) {
		if (this.settings.mode() == AuthSettings.Mode.OPEN) {
			return Mono.just(Decision.OPEN);
		}
		AtomicInteger unknown = this.unknownByAddress.getIfPresent(address);
		if (unknown != null && unknown.get() >= this.settings.unknownKeysPerIp()) {
			return Mono.just(Decision.RATE_LIMITED);
		}
		return this.directory.find(key)
			.timeout(this.settings.lookupTimeout())
			.map(channel -> channel.isPresent() ? Decision.KNOWN : unknownFrom(address))
			.onErrorResume(ex -> {
				log.warn("Cannot ask the channel directory about {}: {}", key, ex.getMessage());
				return Mono.just((this.settings.failureMode() == AuthSettings.FailureMode.FAIL_OPEN)
						? Decision.FAILED_OPEN : Decision.FAILED_CLOSED);
			});
	}

	/**
	 * The clock as nanoseconds since the epoch: the time source of the unknown-key
	 * windows.
	 */
	private static Ticker ticker(Clock clock) {
		return () -> {
			Instant now = clock.instant();
			return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
		};
	}

	private Decision unknownFrom(String address) {
		this.unknownByAddress.asMap().computeIfAbsent(address, ignored -> new AtomicInteger()).incrementAndGet();
		return Decision.UNKNOWN;
	}

}
