package dev.streamctl.store;

import dev.streamctl.store.test.InMemoryChannelDirectory;

/** The directory contract, kept by the in-memory stand-in of the services' unit tests. */
class InMemoryChannelDirectoryContractTest extends ChannelDirectoryContract {

	private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory();

	@Override
	ChannelStore store() {
		return new BlockingDirectory(this.directory);
	}

	@Override
	Rows rows() {
		return new InMemoryRows(this.directory);
	}

}
