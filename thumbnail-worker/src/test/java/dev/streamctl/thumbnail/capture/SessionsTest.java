package dev.streamctl.thumbnail.capture;

import java.time.Instant;
import java.util.UUID;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.thumbnail.capture.Sessions.Decision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which SRS session owns a capture, on the events the gateway makes of SRS's real hooks
 * and the reconciler's corrections.
 */
class SessionsTest {

	private static final String KEY = "streamKey42";

	private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

	private final StreamPublished owner = published("c1", T0);

	private final Sessions sessions = new Sessions(new CaptureJob(this.owner, new DeliveryChannel().channel(), 1, 0));

	@Test
	void belongsToTheSessionWhosePublishStartedIt() {
		assertThat(this.sessions.owner()).isSameAs(this.owner);
	}

	@Test
	void theOwnersUnpublishWithoutAnotherSessionStopsIt() {
		assertThat(this.sessions.unpublished(unpublished("c1", T0.plusSeconds(60)))).isEqualTo(Decision.STOP);
	}

	@Test
	void theOwnersCloseWithoutUnpublishStopsItToo() {
		assertThat(this.sessions.unpublished(FixtureEvents.closedWithoutUnpublish(KEY, "c1", T0.plusSeconds(60))))
			.isEqualTo(Decision.STOP);
	}

	@Test
	void aRepeatedPublishOfTheOwnerChangesNothing() {
		this.sessions.published(published("c1", T0.plusSeconds(2)));

		assertThat(this.sessions.owner()).isSameAs(this.owner);
		assertThat(this.sessions.unpublished(unpublished("c1", T0.plusSeconds(60))))
			.as("the repeat did not become a session to hand on to")
			.isEqualTo(Decision.STOP);
	}

	@Test
	void aLatePublishOfAnEarlierSessionIsIgnored() {
		this.sessions.published(published("c0", T0.minusSeconds(30)));

		assertThat(this.sessions.owner()).isSameAs(this.owner);
		assertThat(this.sessions.unpublished(unpublished("c1", T0.plusSeconds(60)))).isEqualTo(Decision.STOP);
	}

	@Test
	void aLateUnpublishOfAnEarlierSessionIsIgnored() {
		assertThat(this.sessions.unpublished(unpublished("c0", T0.plusSeconds(1)))).isEqualTo(Decision.IGNORE);
		assertThat(this.sessions.owner()).isSameAs(this.owner);
	}

	@Test
	void aRefusedSecondPublisherClosingLeavesTheCaptureWithItsOwner() {
		this.sessions.published(published("c2", T0.plusSeconds(5)));

		Decision decision = this.sessions
			.unpublished(FixtureEvents.closedWithoutUnpublish(KEY, "c2", T0.plusSeconds(6)));

		assertThat(decision).isEqualTo(Decision.IGNORE);
		assertThat(this.sessions.owner()).isSameAs(this.owner);
		assertThat(this.sessions.unpublished(unpublished("c1", T0.plusSeconds(60))))
			.as("the refused publisher is forgotten, not handed the capture")
			.isEqualTo(Decision.STOP);
	}

	@Test
	void aReconnectSeenBeforeTheOldSessionsUnpublishIsHandedTheCapture() {
		StreamPublished reconnect = published("c2", T0.plusSeconds(5));
		this.sessions.published(reconnect);

		Decision decision = this.sessions.unpublished(unpublished("c1", T0.plusSeconds(4)));

		assertThat(decision).isEqualTo(Decision.HANDED_ON);
		assertThat(this.sessions.owner()).isSameAs(reconnect);
		assertThat(this.sessions.unpublished(unpublished("c2", T0.plusSeconds(90)))).isEqualTo(Decision.STOP);
	}

	@Test
	void theOwnersEndHandsTheCaptureToTheNewestCandidateStillOpen() {
		StreamPublished second = published("c2", T0.plusSeconds(5));
		StreamPublished newest = published("c3", T0.plusSeconds(9));
		StreamPublished refused = published("c4", T0.plusSeconds(12));
		this.sessions.published(newest);
		this.sessions.published(second);
		this.sessions.published(refused);
		assertThat(this.sessions.unpublished(FixtureEvents.closedWithoutUnpublish(KEY, "c4", T0.plusSeconds(13))))
			.isEqualTo(Decision.IGNORE);

		assertThat(this.sessions.unpublished(unpublished("c1", T0.plusSeconds(20)))).isEqualTo(Decision.HANDED_ON);

		assertThat(this.sessions.owner()).as("the newest by time, not by arrival").isSameAs(newest);
		assertThat(this.sessions.unpublished(unpublished("c3", T0.plusSeconds(30)))).isEqualTo(Decision.HANDED_ON);
		assertThat(this.sessions.owner()).isSameAs(second);
	}

	@Test
	void aSessionIsAServerAndAClientIdTogether() {
		StreamPublished sameClientOtherServer = new StreamPublished(1, UUID.randomUUID(), T0.plusSeconds(5),
				EventSource.SRS_HOOK, onServer(this.owner.session(), "vid-other-server"));
		this.sessions.published(sameClientOtherServer);

		assertThat(this.sessions.unpublished(unpublished("c1", T0.plusSeconds(6)))).isEqualTo(Decision.HANDED_ON);
		assertThat(this.sessions.owner()).isSameAs(sameClientOtherServer);
	}

	@Test
	void theReconcilerFindingTheStreamGoneStopsIt() {
		assertThat(this.sessions.unpublished(reconcilerGone(T0.plusSeconds(30)))).isEqualTo(Decision.STOP);
	}

	@Test
	void aReconcilerEventOlderThanTheOwnerIsIgnored() {
		assertThat(this.sessions.unpublished(reconcilerGone(T0.minusSeconds(1)))).isEqualTo(Decision.IGNORE);
		assertThat(this.sessions.owner()).isSameAs(this.owner);
	}

	private static StreamPublished published(String clientId, Instant at) {
		return FixtureEvents.published(KEY, clientId, at);
	}

	private static StreamUnpublished unpublished(String clientId, Instant at) {
		return FixtureEvents.unpublished(KEY, clientId, at);
	}

	/** What the reconciler sends when SRS no longer lists the stream: no session ids. */
	private static StreamUnpublished reconcilerGone(Instant at) {
		return StreamUnpublished.of(at, EventSource.RECONCILER,
				new SrsSession("", "", "", "", "", "live", StreamKey.of(KEY), "", ""), StreamUnpublished.Reason.GONE);
	}

	private static SrsSession onServer(SrsSession session, String serverId) {
		return new SrsSession(serverId, session.serviceId(), session.clientId(), session.streamId(), session.vhost(),
				session.app(), session.stream(), session.param(), session.ip());
	}

}
