package dev.streamctl.gateway.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.streamctl.common.event.SrsEvent;
import dev.streamctl.gateway.delivery.DeliveryOutcome;
import dev.streamctl.gateway.delivery.EventSink;

/**
 * An {@link EventSink} that keeps the events handed to it, in order, and answers each
 * with the outcome it was told ({@code CONFIRMED} unless told otherwise), at once or,
 * after {@link #hold()}, only when the test calls {@link #release}.
 */
public final class RecordingSink implements EventSink {

	private final List<SrsEvent> events = new ArrayList<>();

	private final List<CompletableFuture<DeliveryOutcome>> held = new ArrayList<>();

	private DeliveryOutcome outcome = DeliveryOutcome.CONFIRMED;

	private boolean holding;

	@Override
	public synchronized CompletableFuture<DeliveryOutcome> deliver(SrsEvent event) {
		this.events.add(event);
		if (!this.holding) {
			return CompletableFuture.completedFuture(this.outcome);
		}
		CompletableFuture<DeliveryOutcome> answer = new CompletableFuture<>();
		this.held.add(answer);
		return answer;
	}

	/** Answers every event from now on with this outcome. */
	public synchronized void answerWith(DeliveryOutcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * Leaves the answers open until {@link #release}: the event is on its way, not yet
	 * safe.
	 */
	public synchronized void hold() {
		this.holding = true;
	}

	/** Answers every held event with this outcome, and the next ones at once. */
	public synchronized void release(DeliveryOutcome outcome) {
		this.holding = false;
		this.held.forEach(answer -> answer.complete(outcome));
		this.held.clear();
	}

	public synchronized List<SrsEvent> events() {
		return List.copyOf(this.events);
	}

}
