package dev.streamctl.thumbnail.srs;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamctl.srs.test.InMemorySrsApis;
import dev.streamctl.thumbnail.srs.SrsStreams.Liveness;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether SRS lists a stream, against in-memory SRS APIs read as the service reads them,
 * on a monotonic clock the test moves.
 */
class SrsStreamsTest {

	private static final Duration MAX_AGE = Duration.ofSeconds(1);

	private final InMemorySrsApis srs = new InMemorySrsApis();

	private final URI srsA = this.srs.server("srs-a");

	private final URI srsB = this.srs.server("srs-b");

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final SrsStreams streams = new SrsStreams(this.srs.apis(), this.srs::streams, MAX_AGE, this.nanos::get);

	@Test
	void aStreamAServerListsAsPublishingIsLive() {
		this.srs.publish(this.srsB, "live", "key1", "c1");

		assertThat(this.streams.liveness("live", "key1")).isEqualTo(Liveness.LIVE);
	}

	@Test
	void aStreamNoServerListsIsGone() {
		this.srs.publish(this.srsA, "live", "key1", "c1");

		assertThat(this.streams.liveness("live", "key2")).isEqualTo(Liveness.GONE);
		assertThat(this.streams.liveness("other", "key1")).as("the app counts").isEqualTo(Liveness.GONE);
	}

	@Test
	void aStreamListedWithoutAPublisherIsGone() {
		this.srs.idle(this.srsA, "live", "key1");

		assertThat(this.streams.liveness("live", "key1")).isEqualTo(Liveness.GONE);
	}

	@Test
	void withoutAServerNothingIsKnownAndNothingIsRead() {
		SrsStreams none = new SrsStreams(List.of(), this.srs::streams, MAX_AGE, this.nanos::get);

		assertThat(none.isConfigured()).isFalse();
		assertThat(none.liveness("live", "key1")).isEqualTo(Liveness.UNKNOWN);
		assertThat(this.srs.reads()).isZero();
	}

	@Test
	void aServerThatCannotBeReadMakesEveryAnswerUnknown() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		this.srs.failWith(this.srsB, "connection refused");

		assertThat(this.streams.liveness("live", "key1")).isEqualTo(Liveness.UNKNOWN);
		assertThat(this.streams.liveness("live", "key2")).isEqualTo(Liveness.UNKNOWN);
	}

	@Test
	void oneReadOfEveryServerAnswersEveryQuestionWithinTheMaximumAge() {
		this.srs.publish(this.srsA, "live", "key1", "c1");

		for (int i = 0; i < 1000; i++) {
			this.streams.liveness("live", "key" + i);
		}
		this.srs.unpublish(this.srsA, "live", "key1");
		this.nanos.addAndGet(MAX_AGE.toNanos() - 1);

		assertThat(this.streams.liveness("live", "key1")).as("still the first read's answer").isEqualTo(Liveness.LIVE);
		assertThat(this.srs.reads()).as("one list of each of the two servers").isEqualTo(2);
	}

	@Test
	void aQuestionAfterTheMaximumAgeReadsAgain() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		assertThat(this.streams.liveness("live", "key1")).isEqualTo(Liveness.LIVE);
		this.srs.unpublish(this.srsA, "live", "key1");

		this.nanos.addAndGet(MAX_AGE.toNanos());

		assertThat(this.streams.liveness("live", "key1")).isEqualTo(Liveness.GONE);
		assertThat(this.srs.reads()).isEqualTo(4);
	}

	@Test
	void aFailedReadIsNotKept() {
		this.srs.publish(this.srsA, "live", "key1", "c1");
		this.srs.failWith(this.srsA, "HTTP 502");
		assertThat(this.streams.liveness("live", "key1")).isEqualTo(Liveness.UNKNOWN);
		int failedReads = this.srs.reads();

		this.srs.recover(this.srsA);

		assertThat(this.streams.liveness("live", "key1")).as("read again at the same instant").isEqualTo(Liveness.LIVE);
		assertThat(this.srs.reads()).isEqualTo(failedReads + 2);
	}

}
