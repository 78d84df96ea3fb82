package dev.streamctl.store.test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.store.Channel;
import dev.streamctl.store.DirectoryUnavailableException;
import dev.streamctl.store.LiveState;
import dev.streamctl.store.LiveStateChange;
import dev.streamctl.store.test.InMemoryChannelDirectory.Call;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** What the blocking stand-in adds to its contract: shared rows, failures and records. */
class InMemoryChannelStoreTest {

	private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory();

	private final InMemoryChannelStore store = this.directory.store();

	private final Instant t0 = Instant.parse("2026-11-24T10:15:30.123456Z");

	@Test
	void showsTheDirectorysRowsAndWritesToThem() {
		Channel channel = this.directory.add("k1");

		this.store.write(channel, LiveState.ONLINE, this.t0);

		assertThat(this.directory.find(StreamKey.of("k1")).block()).map(Channel::live).contains(true);
		assertThat(this.directory.writes()).hasSize(1);
		assertThat(this.directory.store()).isSameAs(this.store);
	}

	@Test
	void failsTheCallsOfTheKindsTheDirectoryWasToldToFail() {
		this.directory.add("k1");
		DirectoryUnavailableException unavailable = new DirectoryUnavailableException("503", null);
		this.store.failNext(Call.APPLY, unavailable);
		this.store.failNext(Call.FIND, unavailable);
		List<LiveStateChange> batch = List
			.of(new LiveStateChange(UUID.randomUUID(), StreamKey.of("k1"), LiveState.ONLINE, this.t0));

		assertThatExceptionOfType(DirectoryUnavailableException.class).isThrownBy(() -> this.store.applyAll(batch));
		assertThatExceptionOfType(DirectoryUnavailableException.class)
			.isThrownBy(() -> this.store.read(List.of(StreamKey.of("k1"))));
		assertThat(this.store.applyAll(batch)).isPresent();
		assertThat(this.store.read(List.of(StreamKey.of("k1")))).hasSize(1);
		assertThat(this.store.batches()).hasSize(1).first().satisfies(applied -> {
			assertThat(applied.changes()).isEqualTo(batch);
			assertThat(applied.results()).hasSize(1);
		});
		assertThat(this.store.reads()).isEqualTo(1);
	}

	@Test
	void answersAHangingCallOnceTheStoreRecovers() {
		this.directory.add("k1");
		this.store.hang();

		CompletableFuture<List<Channel>> all = CompletableFuture.supplyAsync(this.store::all);
		assertThat(all).isNotDone();
		this.store.recover();

		await().untilAsserted(() -> assertThat(all).isCompletedWithValueMatching(channels -> channels.size() == 1));
	}

}
