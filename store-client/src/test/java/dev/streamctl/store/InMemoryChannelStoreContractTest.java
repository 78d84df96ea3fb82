package dev.streamctl.store;

import dev.streamctl.store.test.InMemoryChannelStore;

/** The store contract, kept by the in-memory stand-in of the workers' unit tests. */
class InMemoryChannelStoreContractTest extends ChannelStoreContract {

	private final InMemoryChannelStore store = new InMemoryChannelStore();

	@Override
	ChannelStore store() {
		return this.store;
	}

	@Override
	Rows rows() {
		return new InMemoryRows(this.store.directory());
	}

	@Override
	void dropApplyFunction() {
		this.store.applyFunction(false);
	}

}
