package dev.streamctl.status.apply;

import java.time.Duration;

/**
 * Waits between two tries of a batch: the thread sleeps in the application, a test clock
 * moves in tests.
 */
@FunctionalInterface
interface Pause {

	/** Waits this long; answers false when interrupted, the worker is then stopping. */
	boolean pause(Duration duration);

	/** Sleeps the calling thread. */
	static boolean sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
