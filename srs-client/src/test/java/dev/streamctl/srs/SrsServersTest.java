package dev.streamctl.srs;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.srs.SrsServers.Liveness;
import dev.streamctl.srs.test.InMemorySrsApis;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the SRS servers list, against in-memory SRS APIs read as the workers read them, on
 * a monotonic clock the test moves; and once against the fake SRS API over HTTP.
 */
class SrsServersTest {

	private static final Duration MAX_AGE = Duration.ofSeconds(1);

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI srsA = this.srs.server("srs-a");

	private final URI srsB = this.srs.server("srs-b");

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final SrsServers servers = new SrsServers(this.srs.apis(), this.srs::list, MAX_AGE, this.nanos::get);

	@Test
	void readsAServersWholeListOverHttpAndRemembersItsServerId() {
		try (FakeSrsApi api = new FakeSrsApi()) {
			api.publish("live", "key1", "c1");
			SrsServers one = new SrsServers(RestClient.builder(),
					new SrsSettings(List.of(api.url()), Duration.ofSeconds(10)), MAX_AGE);
			assertThat(one.serverId(api.url())).isEmpty();

			SrsListing listing = one.list(api.url());

			assertThat(listing.serverId()).isEqualTo(api.serverId());
			assertThat(listing.serviceId()).isEqualTo("5kr2b29q");
			assertThat(listing.streams()).singleElement().extracting(SrsStream::name).isEqualTo("key1");
			assertThat(one.serverId(api.url())).contains(api.serverId());
			assertThat(one.isPublishing("live", "key1")).isTrue();
			assertThat(one.liveness("live", "key2")).isEqualTo(Liveness.GONE);
		}
	}

	@Test
	void aStreamIsPublishingWhenAnyServerListsItWithAPublisher() {
		this.srs.publish(this.srsB, "live", "key1", "c1");
		this.srs.idle(this.srsA, "live", "key2");

		assertThat(this.servers.isPublishing("live", "key1")).isTrue();
		assertThat(this.servers.isPublishing("live", "key2")).as("listed without a publisher").isFalse();
		assertThat(this.servers.isPublishing("other", "key1")).as("the app counts").isFalse();
	}

	@Test
	void whetherAStreamIsPublishingIsUnknownWhileAServerItIsNotFoundOnCannotBeRead() {
		this.srs.publish(this.srsB, "live", "key1", "c1");
		this.srs.failWith(this.srsA, "connection refused");

		assertThat(this.servers.isPublishing("live", "key1")).as("found on a server that was read").isTrue();
		assertThatExceptionOfType(SrsApiException.class).isThrownBy(() -> this.servers.isPublishing("live", "key2"))
			.withMessageContaining("connection refused");
	}

	@Test
	void tellsTheServerAndTheRunOfEachApiAsItAnsweredLast() {
		String before = this.servers.list(this.srsA).serviceId();
		this.srs.restart(this.srsA);

		SrsListing after = this.servers.list(this.srsA);

		assertThat(after.serverId()).isEqualTo("srs-a");
		assertThat(after.serviceId()).isNotEqualTo(before);
		assertThat(this.servers.serverId(this.srsA)).contains("srs-a");
		assertThat(this.servers.serverId(this.srsB)).as("never read").isEmpty();
	}

	@Test
	void aStreamAServerListsAsPublishingIsLive() {
		this.srs.publish(this.srsB, "live", "key1", "c1");

		assertThat(this.servers.liveness("live", "key1")).isEqualTo(Liveness.LIVE);
	}

	@Test
	void aStreamNoServerListsAsPublishingIsGone() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		this.srs.idle(this.srsA, "live", "key3");

		assertThat(this.servers.liveness("live", "key2")).isEqualTo(Liveness.GONE);
		assertThat(this.servers.liveness("live", "key3")).isEqualTo(Liveness.GONE);
		assertThat(this.servers.liveness("other", "key1")).as("the app counts").isEqualTo(Liveness.GONE);
	}

	@Test
	void withoutAServerNothingIsKnownAndNothingIsRead() {
		SrsServers none = new SrsServers(List.of(), this.srs::list, MAX_AGE, this.nanos::get);

		assertThat(none.isConfigured()).isFalse();
		assertThat(none.liveness("live", "key1")).isEqualTo(Liveness.UNKNOWN);
		assertThat(none.isPublishing("live", "key1")).isFalse();
		assertThat(this.srs.reads()).isZero();
	}

	@Test
	void aServerThatCannotBeReadMakesEveryLivenessUnknown() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		this.srs.failWith(this.srsB, "connection refused");

		assertThat(this.servers.liveness("live", "key1")).isEqualTo(Liveness.UNKNOWN);
		assertThat(this.servers.liveness("live", "key2")).isEqualTo(Liveness.UNKNOWN);
	}

	@Test
	void oneReadOfEveryServerAnswersEveryLivenessWithinTheMaximumAge() {
		this.srs.publish(this.srsA, "live", "key1", "c1");

		for (int i = 0; i < 1000; i++) {
			this.servers.liveness("live", "key" + i);
		}
		this.srs.unpublish(this.srsA, "live", "key1");
		this.nanos.addAndGet(MAX_AGE.toNanos() - 1);

		assertThat(this.servers.liveness("live", "key1")).as("still the first read's answer").isEqualTo(Liveness.LIVE);
		assertThat(this.srs.reads()).as("one list of each of the two servers").isEqualTo(2);
	}

	@Test
	void aLivenessAfterTheMaximumAgeReadsAgain() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		assertThat(this.servers.liveness("live", "key1")).isEqualTo(Liveness.LIVE);
		this.srs.unpublish(this.srsA, "live", "key1");

		this.nanos.addAndGet(MAX_AGE.toNanos());

		assertThat(this.servers.liveness("live", "key1")).isEqualTo(Liveness.GONE);
		assertThat(this.srs.reads()).isEqualTo(4);
	}

	@Test
	void aFailedReadIsNotKept() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		this.srs.failWith(this.srsA, "HTTP 502");
		assertThat(this.servers.liveness("live", "key1")).isEqualTo(Liveness.UNKNOWN);
		int failedReads = this.srs.reads();

		this.srs.recover(this.srsA);

		assertThat(this.servers.liveness("live", "key1")).as("read again at the same instant").isEqualTo(Liveness.LIVE);
		assertThat(this.srs.reads()).isEqualTo(failedReads + 2);
	}

}
