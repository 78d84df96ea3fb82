package dev.streamctl.store;

import dev.streamctl.common.test.postgrest.FakePostgrest;
import org.junit.jupiter.api.AfterEach;

import org.springframework.web.client.RestClient;

/**
 * The store contract, kept by the workers' Supabase client against the PostgREST fake.
 */
class SupabaseChannelStoreContractTest extends ChannelStoreContract {

	private final FakePostgrest store = new FakePostgrest();

	private final SupabaseChannelStore client = new SupabaseChannelStore(RestClient.builder(),
			SupabaseChannelDirectoryContractTest.settings(this.store));

	@AfterEach
	void close() {
		this.store.close();
	}

	@Override
	ChannelStore store() {
		return this.client;
	}

	@Override
	Rows rows() {
		return new FakeRows(this.store);
	}

	@Override
	void dropApplyFunction() {
		this.store.applyFunction(false);
	}

}
