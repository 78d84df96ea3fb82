package dev.streamctl.gateway.auth;

import java.time.Duration;
import java.util.UUID;

import dev.streamctl.store.DirectoryRejectedException;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.store.test.InMemoryChannelDirectory;
import dev.streamctl.store.test.InMemoryChannelDirectory.Call;
import dev.streamctl.common.test.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may publish, decided with an in-memory directory and a clock that moves only when
 * told.
 */
class PublishAuthorizationTest {

	private static final Duration WINDOW = Duration.ofMinutes(1);

	private static final int UNKNOWN_KEYS_PER_IP = 3;

	private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final TestClock clock = new TestClock();

	private final StreamKey known = StreamKey.of(newKey());

	PublishAuthorizationTest() {
		this.directory.add(this.known.value());
	}

	@Test
	void letsEveryKeyPublishInOpenModeWithoutAskingTheDirectory() {
		PublishAuthorization authorization = authorization(AuthSettings.Mode.OPEN,
				AuthSettings.FailureMode.FAIL_CLOSED);
		this.directory.failEvery(unavailable());

		assertThat(decide(authorization, "198.51.100.1", StreamKey.of(newKey()))).isEqualTo(Decision.OPEN);
		assertThat(this.directory.lookups()).isZero();
	}

	@Test
	void letsAKnownKeyPublishInKnownKeysMode() {
		Decision decision = decide(knownKeys(), "198.51.100.1", this.known);

		assertThat(decision).isEqualTo(Decision.KNOWN);
		assertThat(decision.allowed()).isTrue();
	}

	@Test
	void refusesAnUnknownKeyInKnownKeysMode() {
		Decision decision = decide(knownKeys(), "198.51.100.1", StreamKey.of(newKey()));

		assertThat(decision).isEqualTo(Decision.UNKNOWN);
		assertThat(decision.allowed()).isFalse();
	}

	@Test
	void refusesAnAddressThatTriedTooManyUnknownKeysEvenForAKnownKeyWithoutALookup() {
		PublishAuthorization authorization = knownKeys();
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP);
		int lookups = this.directory.lookups();

		Decision decision = decide(authorization, "203.0.113.9", this.known);

		assertThat(decision).isEqualTo(Decision.RATE_LIMITED);
		assertThat(decision.allowed()).isFalse();
		assertThat(this.directory.lookups()).as("no lookup for a limited address").isEqualTo(lookups);
	}

	@Test
	void letsAnAddressKeepGuessingUpToTheLimit() {
		PublishAuthorization authorization = knownKeys();
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP - 1);

		assertThat(decide(authorization, "203.0.113.9", this.known)).isEqualTo(Decision.KNOWN);
	}

	@Test
	void limitsOnlyTheAddressThatGuessed() {
		PublishAuthorization authorization = knownKeys();
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP);

		assertThat(decide(authorization, "203.0.113.10", this.known)).isEqualTo(Decision.KNOWN);
	}

	@Test
	void keepsTheLimitForTheWholeWindowSinceTheFirstUnknownKey() {
		PublishAuthorization authorization = knownKeys();
		guess(authorization, "203.0.113.9", 1);
		this.clock.advance(WINDOW.minusSeconds(10));
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP - 1);
		this.clock.advance(Duration.ofSeconds(9));

		assertThat(decide(authorization, "203.0.113.9", this.known)).isEqualTo(Decision.RATE_LIMITED);
	}

	@Test
	void liftsTheLimitOnceTheWindowIsOver() {
		PublishAuthorization authorization = knownKeys();
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP);

		this.clock.advance(WINDOW.plusMillis(1));

		assertThat(decide(authorization, "203.0.113.9", this.known)).isEqualTo(Decision.KNOWN);
		assertThat(decide(authorization, "203.0.113.9", StreamKey.of(newKey()))).as("counting starts again")
			.isEqualTo(Decision.UNKNOWN);
	}

	@Test
	void countsNeitherKnownKeysNorFailedLookupsAgainstAnAddress() {
		PublishAuthorization authorization = knownKeys();
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP - 1);
		decide(authorization, "203.0.113.9", this.known);
		this.directory.failNext(Call.FIND, unavailable(), unavailable());
		decide(authorization, "203.0.113.9", StreamKey.of(newKey()));
		decide(authorization, "203.0.113.9", StreamKey.of(newKey()));

		assertThat(decide(authorization, "203.0.113.9", this.known)).isEqualTo(Decision.KNOWN);
	}

	@Test
	void letsAPublishThroughWhenTheDirectoryCannotBeAskedInFailOpenMode() {
		this.directory.failEvery(unavailable());

		Decision decision = decide(authorization(AuthSettings.Mode.KNOWN_KEYS, AuthSettings.FailureMode.FAIL_OPEN),
				"198.51.100.3", StreamKey.of(newKey()));

		assertThat(decision).isEqualTo(Decision.FAILED_OPEN);
		assertThat(decision.allowed()).isTrue();
	}

	@Test
	void refusesAPublishWhenTheDirectoryCannotBeAskedInFailClosedMode() {
		this.directory.failEvery(unavailable());

		Decision decision = decide(authorization(AuthSettings.Mode.KNOWN_KEYS, AuthSettings.FailureMode.FAIL_CLOSED),
				"198.51.100.3", this.known);

		assertThat(decision).isEqualTo(Decision.FAILED_CLOSED);
		assertThat(decision.allowed()).isFalse();
	}

	@Test
	void takesARefusalOfTheStoreForAFailureLikeAnOutage() {
		this.directory
			.failEvery(new DirectoryRejectedException(401, "", "the store refused the key: set SUPABASE_KEY"));

		assertThat(decide(knownKeys(), "198.51.100.3", this.known)).isEqualTo(Decision.FAILED_OPEN);
	}

	@Test
	void decidesByTheFailureModeWhenTheDirectoryDoesNotAnswerInTime() {
		this.directory.hang();
		AuthSettings settings = new AuthSettings(AuthSettings.Mode.KNOWN_KEYS, AuthSettings.FailureMode.FAIL_CLOSED,
				Duration.ofMillis(1), Duration.ZERO, UNKNOWN_KEYS_PER_IP, WINDOW);

		Decision decision = decide(new PublishAuthorization(this.directory, settings, this.meters, this.clock),
				"198.51.100.3", this.known);

		assertThat(decision).isEqualTo(Decision.FAILED_CLOSED);
	}

	@Test
	void countsEveryDecisionByItsTag() {
		PublishAuthorization authorization = knownKeys();
		decide(authorization, "198.51.100.1", this.known);
		guess(authorization, "203.0.113.9", UNKNOWN_KEYS_PER_IP);
		decide(authorization, "203.0.113.9", this.known);
		this.directory.failNext(Call.FIND, unavailable());
		decide(authorization, "198.51.100.1", this.known);

		assertThat(decisions("known")).isEqualTo(1);
		assertThat(decisions("unknown")).isEqualTo(UNKNOWN_KEYS_PER_IP);
		assertThat(decisions("rate_limited")).isEqualTo(1);
		assertThat(decisions("failed_open")).isEqualTo(1);
	}

	@Test
	void logsRefusalsAndFailuresWithTheKeyMaskedAndAllowedKeysNotAtAll() {
		PublishAuthorization authorization = knownKeys();
		String unknown = newKey();
		String failed = newKey();
		try (CapturedLogs logs = CapturedLogs.of(PublishAuthorization.class)) {
			decide(authorization, "198.51.100.1", this.known);
			assertThat(logs.lines()).as("an allowed known key").isEmpty();

			decide(authorization, "198.51.100.1", StreamKey.of(unknown));
			this.directory.failNext(Call.FIND, unavailable());
			decide(authorization, "198.51.100.1", StreamKey.of(failed));

			assertThat(logs.all())
				.contains(unknown.substring(0, 3) + "***", failed.substring(0, 3) + "***", ": unknown", ": failed_open")
				.doesNotContain(unknown, failed);
		}
	}

	private PublishAuthorization knownKeys() {
		return authorization(AuthSettings.Mode.KNOWN_KEYS, AuthSettings.FailureMode.FAIL_OPEN);
	}

	private PublishAuthorization authorization(AuthSettings.Mode mode, AuthSettings.FailureMode failureMode) {
		AuthSettings settings = new AuthSettings(mode, failureMode, Duration.ofMillis(500), Duration.ZERO,
				UNKNOWN_KEYS_PER_IP, WINDOW);
		return new PublishAuthorization(this.directory, settings, this.meters, this.clock);
	}

	private void guess(PublishAuthorization authorization, String address, int times) {
		for (int i = 0; i < times; i++) {
			assertThat(decide(authorization, address, StreamKey.of(newKey()))).isEqualTo(Decision.UNKNOWN);
		}
	}

	private static Decision decide(PublishAuthorization authorization, String address, StreamKey key) {
		Decision decision = authorization.authorize(address, key).block();
		assertThat(decision).as("a decision").isNotNull();
		return decision;
	}

	private double decisions(String tag) {
		return this.meters.get("gateway.auth.decisions").tag("decision", tag).counter().count();
	}

	private static DirectoryUnavailableException unavailable() {
		return new DirectoryUnavailableException("the store did not answer within 500 ms", null);
	}

	private static String newKey() {
		return "key" + UUID.randomUUID().toString().replace("-", "");
	}

}
