package dev.streamctl.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.streamctl.common.test.postgrest.FakePostgrest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

import org.springframework.web.reactive.function.client.WebClient;

/** The directory contract, kept by the Supabase client against the PostgREST fake. */
class SupabaseChannelDirectoryContractTest extends ChannelDirectoryContract {

	private final FakePostgrest store = new FakePostgrest();

	private final SupabaseChannelDirectory directory = new SupabaseChannelDirectory(WebClient.builder(),
			new SupabaseSettings(URI.create(this.store.url()), FakePostgrest.SERVICE_KEY, "channels_channel",
					new SupabaseSettings.Columns("id", "stream_id", "is_on_live", "last_status", "cover", "modified"),
					Duration.ofSeconds(10), 0, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMinutes(5),
					Duration.ofSeconds(30), 1000));

	@AfterEach
	void close() {
		this.store.close();
	}

	@Override
	ChannelStore store() {
		return new BlockingDirectory(this.directory);
	}

	@Override
	UUID add(String key, boolean live, @Nullable Instant modified) {
		return this.store.addChannel(key, live, modified);
	}

	@Override
	boolean storedLive(UUID id) {
		return (Boolean) this.store.row(id).get("is_on_live");
	}

	@Override
	@Nullable Instant storedModified(UUID id) {
		return (Instant) this.store.row(id).get("modified");
	}

	@Override
	@Nullable String storedCover(UUID id) {
		return (String) this.store.row(id).get("cover");
	}

}
