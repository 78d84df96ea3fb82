package dev.streamctl.gateway.auth;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.gateway.support.EventTap;
import dev.streamctl.gateway.support.Hooks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Publish authorization and the forward backend, against the fake store. */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.auth.unknown-keys-per-ip=3", "gateway.forward.target=rtmp://relay.example:1935/live",
				"supabase.retries=0", "supabase.negative-cache-ttl=1ms" })
@ExtendWith(OutputCaptureExtension.class)
class PublishAuthorizationIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("gateway-auth");

	private static final FakePostgrest store = new FakePostgrest();

	private static final String WARM_KEY = "warm" + UUID.randomUUID().toString().replace("-", "");

	private static final UUID WARM_CHANNEL = store.addChannel(WARM_KEY);

	@TempDir
	static Path spool;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("gateway.delivery.spool-directory", () -> spool.toString());
		// these tests read events in the order hooks were answered; a loaded machine must
		// not spool some of them
		registry.add("gateway.delivery.confirm-deadline", () -> "5s");
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
	}

	@AfterAll
	static void tearDown() {
		store.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	private Hooks hooks;

	private EventTap tap;

	@BeforeEach
	void setUp() {
		store.clearFaults();
		this.hooks = new Hooks("http://localhost:" + this.port);
		this.tap = new EventTap(broker, vhost);
	}

	@AfterEach
	void closeTap() {
		this.tap.close();
	}

	@Test
	void letsAKnownKeyPublishFromTheWarmedCacheWithoutAskingTheStore() {
		await().untilAsserted(() -> assertThat(store.requests()).as("the cache was warmed with every channel")
			.anySatisfy(
					request -> assertThat(request.rawQuery()).startsWith("select=").doesNotContain("stream_id=eq")));
		int before = store.requestCount();

		HttpResponse<String> answer = this.hooks.post(publish(WARM_KEY, "198.51.100.1"));

		assertThat(answer.body()).isEqualTo("{\"code\":0}");
		assertThat(this.tap.next().session().stream().value()).isEqualTo(WARM_KEY);
		assertThat(store.requestCount()).isEqualTo(before);
	}

	@Test
	void refusesAnUnknownKeyWithANonZeroCodeAndPublishesNothing(CapturedOutput output) {
		String unknown = "nokey" + UUID.randomUUID().toString().replace("-", "");

		HttpResponse<String> answer = this.hooks.post(publish(unknown, "198.51.100.2"));

		assertThat(answer.statusCode()).isEqualTo(403);
		assertThat(answer.body()).isEqualTo("{\"code\":403,\"error\":\"publish refused\"}");
		assertThat(output.getAll()).contains("nok***").doesNotContain(unknown);
		this.hooks.post(publish(WARM_KEY, "198.51.100.2"));
		assertThat(this.tap.next().session().stream().value()).as("nothing before the known key").isEqualTo(WARM_KEY);
	}

	@Test
	void refusesAnAddressThatTriedTooManyUnknownKeysEvenForAKnownOne() {
		for (int i = 0; i < 3; i++) {
			this.hooks.post(publish("guess" + i + UUID.randomUUID().toString().replace("-", ""), "203.0.113.9"));
		}
		double limited = decisions("rate_limited");

		assertThat(this.hooks.post(publish(WARM_KEY, "203.0.113.9")).statusCode()).isEqualTo(403);
		assertThat(decisions("rate_limited")).isEqualTo(limited + 1);
		assertThat(this.hooks.post(publish(WARM_KEY, "203.0.113.10")).statusCode()).isEqualTo(200);
	}

	@Test
	void letsAPublishThroughWhenTheStoreFailsAndCountsIt() {
		store.failWith(503,
				"{\"code\":\"PGRST001\",\"details\":null,\"hint\":null,\"message\":\"Database client error\"}");
		double failedOpen = decisions("failed_open");

		HttpResponse<String> answer = this.hooks
			.post(publish("cold" + UUID.randomUUID().toString().replace("-", ""), "198.51.100.3"));

		assertThat(answer.body()).isEqualTo("{\"code\":0}");
		assertThat(decisions("failed_open")).isEqualTo(failedOpen + 1);
	}

	@Test
	void relaysUnderThePublicNameAndNeverUnderTheKey() {
		String publicName = new Channel(WARM_CHANNEL, StreamKey.of(WARM_KEY), false, null).publicName();

		HttpResponse<String> relayed = this.hooks.post(
				SrsFixtures.with("forward_backend_request.json", Map.of("stream", WARM_KEY)), "application/json", "",
				"/srs/forward");
		HttpResponse<String> copy = this.hooks.post(SrsFixtures.raw("forward_backend_request_fwd_app.json"),
				"application/json", "", "/srs/forward");
		HttpResponse<String> unknown = this.hooks.post(
				SrsFixtures.with("forward_backend_request.json", Map.of("stream", "unknownrelay")), "application/json",
				"", "/srs/forward");

		assertThat(relayed.body())
			.isEqualTo("{\"code\":0,\"data\":{\"urls\":[\"rtmp://relay.example:1935/live/" + publicName + "\"]}}");
		assertThat(copy.body()).isEqualTo("{\"code\":0,\"data\":{\"urls\":[]}}");
		assertThat(unknown.body()).isEqualTo("{\"code\":0,\"data\":{\"urls\":[]}}");
		assertThat(this.meters.get("gateway.forwards").tag("outcome", "unresolved").counter().count()).isPositive();
		assertThat(this.hooks.post("{\"action\":\"on_publish\"}", "application/json", "", "/srs/forward").statusCode())
			.isEqualTo(400);
	}

	private double decisions(String decision) {
		var counter = this.meters.find("gateway.auth.decisions").tag("decision", decision).counter();
		return (counter == null) ? 0 : counter.count();
	}

	private static String publish(String key, String ip) {
		return SrsFixtures.with("on_publish.json",
				Map.of("stream", key, "ip", ip, "client_id", UUID.randomUUID().toString().substring(0, 8)));
	}

}
