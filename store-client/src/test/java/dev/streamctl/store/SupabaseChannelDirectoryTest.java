package dev.streamctl.store;

import org.springframework.web.reactive.function.client.WebClient;

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

}
