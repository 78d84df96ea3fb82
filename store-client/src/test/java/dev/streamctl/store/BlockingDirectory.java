package dev.streamctl.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.streamctl.common.event.StreamKey;

/**
 * A reactive {@link ChannelDirectory} seen as a {@link ChannelStore}, so that
 * {@link ChannelDirectoryContract} holds both kinds of client to the same tests. What
 * only a store does is unsupported.
 */
record BlockingDirectory(ChannelDirectory directory) implements ChannelStore {

	@Override
	public Optional<Channel> find(StreamKey key) {
		return this.directory.find(key).blockOptional().orElseThrow();
	}

	@Override
	public Map<StreamKey, Optional<Channel>> findAll(Collection<StreamKey> keys) {
		return this.directory.findAll(keys).blockOptional().orElseThrow();
	}

	@Override
	public List<Channel> live() {
		return this.directory.live().blockOptional().orElseThrow();
	}

	@Override
	public List<Channel> all() {
		return this.directory.all().blockOptional().orElseThrow();
	}

	@Override
	public WriteResult write(Channel channel, LiveState state, Instant at) {
		return this.directory.write(channel, state, at).blockOptional().orElseThrow();
	}

	@Override
	public Map<StreamKey, Optional<Channel>> read(Collection<StreamKey> keys) {
		throw new UnsupportedOperationException("a reactive directory has no fresh read");
	}

	@Override
	public Optional<List<AppliedChange>> applyAll(List<LiveStateChange> changes) {
		throw new UnsupportedOperationException("a reactive directory has no bulk write");
	}

}
