package dev.streamctl.thumbnail.capture;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stream locks in memory: those {@link #heldElsewhere} belong to another worker and
 * cannot be taken.
 */
final class InMemoryStreamLock implements StreamLock {

	private final Set<String> held = new HashSet<>();

	private final Set<String> elsewhere = new HashSet<>();

	private final List<String> releases = new ArrayList<>();

	@Override
	public synchronized boolean acquire(String publicName) {
		if (this.elsewhere.contains(publicName)) {
			return false;
		}
		this.held.add(publicName);
		return true;
	}

	@Override
	public synchronized void release(String publicName) {
		this.held.remove(publicName);
		this.releases.add(publicName);
	}

	/** Another worker captures this stream. */
	synchronized void heldElsewhere(String publicName) {
		this.elsewhere.add(publicName);
	}

	synchronized Set<String> held() {
		return Set.copyOf(this.held);
	}

	synchronized List<String> releases() {
		return List.copyOf(this.releases);
	}

}
