package dev.streamctl.store;

import java.time.Instant;
import java.util.UUID;

import dev.streamctl.store.test.InMemoryChannelDirectory;
import org.jspecify.annotations.Nullable;

/** The directory contract, kept by the in-memory stand-in of the services' unit tests. */
class InMemoryChannelDirectoryContractTest extends ChannelDirectoryContract {

	private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory();

	@Override
	ChannelStore store() {
		return new BlockingDirectory(this.directory);
	}

	@Override
	UUID add(String key, boolean live, @Nullable Instant modified) {
		return this.directory.add(key, live, modified).id();
	}

	@Override
	boolean storedLive(UUID id) {
		return this.directory.channel(id).live();
	}

	@Override
	@Nullable Instant storedModified(UUID id) {
		return this.directory.channel(id).modified();
	}

	@Override
	@Nullable String storedCover(UUID id) {
		return this.directory.cover(id);
	}

}
