package dev.streamctl.thumbnail.capture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.streamctl.common.event.EventSource;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamUnpublished;

/**
 * Which SRS publisher session a capture belongs to, and the other sessions of the same
 * stream it has heard of. A session is one {@code (serverId, clientId)} pair, as SRS
 * names its publisher connections.
 * <p>
 * A capture belongs to the session whose publish started it. A publish of another, newer
 * session is kept as a candidate: it is either a refused second publisher (SRS answers
 * {@code StreamBusy} after our {@code on_publish}, then closes it) or the streamer's
 * reconnect, whose publish can be seen before the old session's unpublish. The end of a
 * candidate only forgets it; the end of the owner hands the capture to the newest
 * candidate still open, or stops it. Late events of an earlier session change nothing.
 * <p>
 * It also keeps the capture's job: the delivery that stays unacknowledged while the
 * capture runs, taken over from a redelivery when the one held is gone.
 * <p>
 * Thread-safe: the job listener and the control listener both call it.
 */
final class Sessions {

	/** What an unpublish means for the capture. */
	enum Decision {

		/** It ended another session (or an earlier one): the capture goes on. */
		IGNORE,

		/** It ended the owner, and a newer session of the stream now owns the capture. */
		HANDED_ON,

		/** It ended the owner, or the reconciler found the stream gone: stop. */
		STOP

	}

	private CaptureJob job;

	private StreamPublished owner;

	private final List<StreamPublished> candidates = new ArrayList<>();

	/** The sessions of a capture started by {@code job}, whose publish owns it. */
	Sessions(CaptureJob job) {
		this.job = job;
		this.owner = job.event();
	}

	/** The delivery the capture holds. */
	synchronized CaptureJob job() {
		return this.job;
	}

	/**
	 * Takes over a redelivery of the capture's job when the delivery it held is gone (its
	 * channel was closed, e.g. by the broker's consumer timeout), so the capture keeps a
	 * job the broker hands on if this worker dies. Answers whether it did.
	 */
	synchronized boolean holdRedelivered(CaptureJob redelivered) {
		if (this.job.channel().isOpen()) {
			return false;
		}
		this.job = redelivered;
		return true;
	}

	/** The publish of the session the capture belongs to now. */
	synchronized StreamPublished owner() {
		return this.owner;
	}

	/**
	 * Another publish of the stream: a repeat of the owner's changes nothing, a publish
	 * older than the owner's is a late hook of an earlier session and is ignored, any
	 * other becomes a candidate.
	 */
	synchronized void published(StreamPublished event) {
		if (sameSession(event.session(), this.owner.session())
				|| event.occurredAt().isBefore(this.owner.occurredAt())) {
			return;
		}
		this.candidates.removeIf(candidate -> sameSession(candidate.session(), event.session()));
		this.candidates.add(event);
	}

	/** An unpublish (or a close without one) of the stream. */
	synchronized Decision unpublished(StreamUnpublished event) {
		if (sameSession(event.session(), this.owner.session())) {
			StreamPublished next = this.candidates.stream()
				.max(Comparator.comparing(StreamPublished::occurredAt))
				.orElse(null);
			if (next == null) {
				return Decision.STOP;
			}
			this.candidates.remove(next);
			this.owner = next;
			return Decision.HANDED_ON;
		}
		if (this.candidates.removeIf(candidate -> sameSession(candidate.session(), event.session()))) {
			return Decision.IGNORE;
		}
		if (event.source() == EventSource.RECONCILER && !event.occurredAt().isBefore(this.owner.occurredAt())) {
			return Decision.STOP;
		}
		return Decision.IGNORE;
	}

	static boolean sameSession(SrsSession one, SrsSession other) {
		return one.serverId().equals(other.serverId()) && one.clientId().equals(other.clientId());
	}

}
