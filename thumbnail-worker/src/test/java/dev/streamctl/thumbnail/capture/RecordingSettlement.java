package dev.streamctl.thumbnail.capture;

import java.util.ArrayList;
import java.util.List;

/** A {@link Settlement} that keeps how each job was settled, in order. */
final class RecordingSettlement implements Settlement {

	/** One settlement: {@code ack} with its outcome, {@code requeue} or {@code retry}. */
	record Settled(String how, CaptureJob job) {
	}

	private final List<Settled> settled = new ArrayList<>();

	@Override
	public synchronized void ack(CaptureJob job, String outcome) {
		this.settled.add(new Settled("ack " + outcome, job));
	}

	@Override
	public synchronized void requeue(CaptureJob job) {
		this.settled.add(new Settled("requeue", job));
	}

	@Override
	public synchronized void retryLater(CaptureJob job) {
		this.settled.add(new Settled("retry", job));
	}

	synchronized List<Settled> settled() {
		return List.copyOf(this.settled);
	}

	/** How the jobs were settled, e.g. {@code ["ack duplicate", "retry"]}. */
	synchronized List<String> hows() {
		return this.settled.stream().map(Settled::how).toList();
	}

}
