package dev.streamctl.store;

import java.time.Instant;
import java.util.UUID;

import dev.streamctl.store.test.InMemoryChannelStore;
import org.jspecify.annotations.Nullable;

/** The store contract, kept by the in-memory stand-in of the workers' unit tests. */
class InMemoryChannelStoreContractTest extends ChannelStoreContract {

	private final InMemoryChannelStore store = new InMemoryChannelStore();

	@Override
	ChannelStore store() {
		return this.store;
	}

	@Override
	void dropApplyFunction() {
		this.store.applyFunction(false);
	}

	@Override
	UUID add(String key, boolean live, @Nullable Instant modified) {
		return this.store.add(key, live, modified).id();
	}

	@Override
	boolean storedLive(UUID id) {
		return this.store.channel(id).live();
	}

	@Override
	@Nullable Instant storedModified(UUID id) {
		return this.store.channel(id).modified();
	}

	@Override
	@Nullable String storedCover(UUID id) {
		return this.store.cover(id);
	}

}
