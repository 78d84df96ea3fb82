package dev.streamctl.store;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's reactive Supabase client against the PostgREST fake. */
class SupabaseChannelDirectoryTest extends SupabaseClientTest {

	@Override
	ChannelStore client(SupabaseSettings settings) {
		return new BlockingDirectory(new SupabaseChannelDirectory(WebClient.builder(), settings));
	}

	/** Every retry the settings allow: two. */
	@Override
	int triesOfAQuickTransientFailure() {
		return 3;
	}

	@Test
	void recoversWhenA429Passes() {
		this.store.addChannel("k5");
		this.store.failNext(1, 429, "{\"message\":\"Too many requests\"}");

		assertThat(client(FakePostgrest.SERVICE_KEY).find(StreamKey.of("k5"))).isPresent();
		assertThat(this.store.requestCount()).isEqualTo(2);
	}

}
