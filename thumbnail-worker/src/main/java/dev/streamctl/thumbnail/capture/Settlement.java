package dev.streamctl.thumbnail.capture;

/**
 * How capture jobs are settled with the broker: {@link JobSettlement} in the application,
 * a recording stand-in in unit tests.
 */
interface Settlement {

	/**
	 * Done with the job; {@code outcome} is the {@code thumbnail.jobs} tag it is counted
	 * under.
	 */
	void ack(CaptureJob job, String outcome);

	/** Hands the job back to the broker at once, for another worker. */
	void requeue(CaptureJob job);

	/**
	 * Parks the job to come back after a delay with one more attempt, never losing it.
	 */
	void retryLater(CaptureJob job);

}
