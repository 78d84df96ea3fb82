package dev.streamctl.store;

import java.net.URI;
import java.time.Duration;

import dev.streamctl.common.test.postgrest.FakePostgrest;
import org.junit.jupiter.api.AfterEach;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The directory contract, kept by the gateway's Supabase client against the PostgREST
 * fake.
 */
class SupabaseChannelDirectoryContractTest extends ChannelDirectoryContract {

	private final FakePostgrest store = new FakePostgrest();

	private final SupabaseChannelDirectory directory = new SupabaseChannelDirectory(WebClient.builder(),
			settings(this.store));

	@AfterEach
	void close() {
		this.store.close();
	}

	@Override
	ChannelStore store() {
		return new BlockingDirectory(this.directory);
	}

	@Override
	Rows rows() {
		return new FakeRows(this.store);
	}

	/** The original table, patient, without retries. */
	static SupabaseSettings settings(FakePostgrest store) {
		return new SupabaseSettings(URI.create(store.url()), FakePostgrest.SERVICE_KEY, SupabaseSettings.DEFAULT_TABLE,
				SupabaseSettings.Columns.ORIGINAL, Duration.ofSeconds(10), 0, Duration.ofMillis(5),
				Duration.ofMillis(20), Duration.ofMinutes(5), Duration.ofSeconds(30), 1000);
	}

}
