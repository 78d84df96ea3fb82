package dev.streamctl.thumbnail.capture;

/**
 * One capture per stream across all workers, by the stream's public name:
 * {@link CaptureLock} on the broker in the application, an in-memory stand-in in unit
 * tests.
 */
interface StreamLock {

	/** Whether this worker now holds the lock (false: another worker holds it). */
	boolean acquire(String publicName);

	/**
	 * Lets the lock go; a failure is logged, since the lock goes with the worker's
	 * connection anyway.
	 */
	void release(String publicName);

}
