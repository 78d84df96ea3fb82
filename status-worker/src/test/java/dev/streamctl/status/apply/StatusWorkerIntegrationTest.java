package dev.streamctl.status.apply;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.EventMessages;
import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.event.StreamResumed;
import dev.streamctl.common.event.StreamStalled;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.StatusTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status worker against the real broker, a PostgREST-faithful fake store and a fake
 * SRS API.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "status.reconnect-grace=0s", "status.retry-backoff=100ms", "status.retry-max-backoff=400ms",
				"status.retry-for=30s", "supabase.retry-backoff=10ms", "supabase.request-timeout=300ms",
				"status.reconciler.enabled=false" })
@ExtendWith(OutputCaptureExtension.class)
class StatusWorkerIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("status-it");

	private static final FakePostgrest store = new FakePostgrest();

	private static final FakeSrsApi srs = new FakeSrsApi();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
		registry.add("srs.apis", () -> srs.url().toString());
	}

	@AfterAll
	static void tearDown() {
		store.close();
		srs.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	private TestRabbit rabbit;

	private String key;

	private UUID channel;

	private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@BeforeEach
	void setUp() {
		store.clearFaults();
		this.rabbit = new TestRabbit(broker, vhost);
		this.key = "k" + UUID.randomUUID().toString().replace("-", "");
		this.channel = store.addChannel(this.key);
	}

	@AfterEach
	void closeRabbit() {
		this.rabbit.close();
	}

	@Test
	void marksAChannelLiveWithItsCoverAndOfflineKeepingTheCover() {
		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0));

		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", true)
			.containsEntry("last_status", "online")
			.containsEntry("cover", cover())
			.containsEntry("modified", this.t0));

		this.rabbit.publish(FixtureEvents.unpublished(this.key, "s1", this.t0.plusSeconds(5)));

		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", false)
			.containsEntry("last_status", "offline")
			.containsEntry("cover", cover())
			.containsEntry("modified", this.t0.plusSeconds(5)));
	}

	@Test
	void appliesABurstInAFewBulkRequestsWithoutLookingUpAnyChannel() {
		String prefix = "burst" + UUID.randomUUID().toString().substring(0, 8) + "-";
		List<UUID> channels = IntStream.range(0, 60).mapToObj(i -> store.addChannel(prefix + i)).toList();
		int before = store.requestCount();

		IntStream.range(0, 60).forEach(i -> this.rabbit.publish(FixtureEvents.published(prefix + i, "s" + i, this.t0)));

		await().untilAsserted(() -> assertThat(channels).allSatisfy(
				id -> assertThat(store.row(id)).containsEntry("is_on_live", true).containsEntry("modified", this.t0)));
		List<String> requests = store.requests()
			.stream()
			.skip(before)
			.map(request -> request.method() + " " + request.rawPath())
			.toList();
		assertThat(requests).isNotEmpty()
			.hasSizeLessThan(60 / 4)
			.allMatch(request -> request.equals("POST /rest/v1/rpc/apply_stream_events"));
	}

	@Test
	void countsADuplicateDeliveryAndKeepsTheState() {
		var published = FixtureEvents.published(this.key, "s1", this.t0);
		this.rabbit.publish(published);
		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", true));
		double duplicates = count("duplicate");

		this.rabbit.publish(published);

		await().untilAsserted(() -> assertThat(count("duplicate")).isEqualTo(duplicates + 1));
		assertThat(store.row(this.channel)).containsEntry("is_on_live", true).containsEntry("modified", this.t0);
	}

	@Test
	void endsLiveAfterAReconnectWhicheverOrderItsEventsArriveIn() {
		String other = "k" + UUID.randomUUID().toString().replace("-", "");
		UUID otherChannel = store.addChannel(other);

		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0));
		this.rabbit.publish(FixtureEvents.unpublished(this.key, "s1", this.t0.plusSeconds(10)));
		this.rabbit.publish(FixtureEvents.published(this.key, "s2", this.t0.plusSeconds(11)));
		this.rabbit.publish(FixtureEvents.published(other, "o1", this.t0));
		this.rabbit.publish(FixtureEvents.published(other, "o2", this.t0.plusSeconds(11)));
		this.rabbit.publish(FixtureEvents.unpublished(other, "o1", this.t0.plusSeconds(10)));

		await().untilAsserted(() -> {
			assertThat(store.row(this.channel)).containsEntry("is_on_live", true)
				.containsEntry("modified", this.t0.plusSeconds(11));
			assertThat(store.row(otherChannel)).containsEntry("is_on_live", true)
				.containsEntry("modified", this.t0.plusSeconds(11));
		});
	}

	@Test
	void ignoresALateUnpublishOfAnOlderSession() {
		this.rabbit.publish(FixtureEvents.published(this.key, "s2", this.t0.plusSeconds(20)));
		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", true));
		double stale = count("stale");

		this.rabbit.publish(FixtureEvents.unpublished(this.key, "s1", this.t0));

		await().untilAsserted(() -> assertThat(count("stale")).isEqualTo(stale + 1));
		assertThat(store.row(this.channel)).containsEntry("is_on_live", true)
			.containsEntry("modified", this.t0.plusSeconds(20));
	}

	@Test
	void keepsTheOriginalSessionLiveWhenSrsRefusedASecondPublisher() {
		srs.publish("live", this.key, "s1");
		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0));
		this.rabbit.publish(FixtureEvents.published(this.key, "s2", this.t0.plusSeconds(1)));
		this.rabbit.publish(FixtureEvents.closedWithoutUnpublish(this.key, "s2", this.t0.plusSeconds(2)));

		await()
			.untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("modified", this.t0.plusSeconds(2)));
		assertThat(store.row(this.channel)).containsEntry("is_on_live", true);
		srs.unpublish("live", this.key);
	}

	@Test
	void setsOfflineAPublishSrsRefusedWhenNoPublisherIsLeft() {
		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0));
		this.rabbit.publish(FixtureEvents.closedWithoutUnpublish(this.key, "s1", this.t0.plusSeconds(1)));

		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", false)
			.containsEntry("modified", this.t0.plusSeconds(1)));
	}

	@Test
	void acknowledgesAnUnknownStreamKeyWithoutWritingAndLogsItMasked(CapturedOutput output) {
		String unknown = "unknown" + UUID.randomUUID().toString().replace("-", "");
		double before = count("unknown_channel");
		int patches = patches();

		this.rabbit.publish(FixtureEvents.published(unknown, "s1", this.t0));

		await().untilAsserted(() -> assertThat(count("unknown_channel")).isEqualTo(before + 1));
		assertThat(patches()).isEqualTo(patches);
		assertThat(output.getAll()).contains("unk***").doesNotContain(unknown);
		assertThat(this.rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).isZero();
	}

	@Test
	void retriesThroughAStoreOutageInTheRetryQueuesReportsItAndEndsRight() {
		store.failWith(503,
				"{\"code\":\"PGRST001\",\"details\":null,\"hint\":null,\"message\":\"Database client error\"}");
		int before = store.requestCount();
		double retrying = count("retrying");

		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0));
		await().untilAsserted(() -> assertThat(count("retrying")).isGreaterThanOrEqualTo(retrying + 4));
		assertThat(store.requestCount() - before).isGreaterThanOrEqualTo(4);
		assertThat(store.row(this.channel)).containsEntry("is_on_live", false);
		await()
			.untilAsserted(() -> assertThat(readiness().at("/components/store/status").asString()).isEqualTo("DOWN"));
		store.hang();
		int whileHanging = store.requestCount();
		await().untilAsserted(() -> assertThat(store.requestCount() - whileHanging).isGreaterThanOrEqualTo(3));

		store.clearFaults();

		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", true));
		await().untilAsserted(() -> assertThat(readiness().at("/status").asString()).isEqualTo("UP"));
		assertThat(this.rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).isZero();
		assertThat(this.rabbit.messageCount(StatusTopology.EVENTS_QUEUE)).isZero();
	}

	@Test
	void deadLettersWhenTheStoreRefusesTheKeyAndSaysSoInReadiness(CapturedOutput output) {
		store.failWith(401,
				"{\"message\":\"Invalid API key\",\"hint\":\"Double check your Supabase `anon` or `service_role` API key.\"}");

		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0));

		await()
			.untilAsserted(() -> assertThat(this.rabbit.messageCount(StatusTopology.DEAD_LETTER_QUEUE)).isEqualTo(1));
		assertThat(output.getAll()).contains("SUPABASE_KEY");
		JsonNode down = readiness();
		assertThat(down.at("/components/store/status").asString()).isEqualTo("DOWN");
		assertThat(down.at("/components/store/details/error").asString()).contains("SUPABASE_KEY");

		store.clearFaults();
		this.rabbit.publish(FixtureEvents.published(this.key, "s1", this.t0.plusSeconds(1)));
		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", true));
		assertThat(readiness().at("/status").asString()).isEqualTo("UP");
		this.rabbit.receive(StatusTopology.DEAD_LETTER_QUEUE);
	}

	/**
	 * Stall events published as the thumbnail worker does do not reach the queue; one
	 * that does (through the {@code stream.#} binding of a broker set up by an earlier
	 * version) is acknowledged and changes nothing. The unknown key published last is the
	 * sentinel: when its batch is counted, so is every earlier one.
	 */
	@Test
	void acknowledgesAStallEventWithoutWritingAndReceivesNoneThroughTheExchange() {
		StreamPublished published = FixtureEvents.published(this.key, "s1", this.t0);
		this.rabbit.publish(published);
		await().untilAsserted(() -> assertThat(store.row(this.channel)).containsEntry("is_on_live", true));
		double informational = count("informational");
		double unknown = count("unknown_channel");
		double deadLettered = count("dead_lettered");
		int patches = patches();
		StreamStalled stalled = StreamStalled.of(this.t0.plusSeconds(30), published.session(), this.t0.plusSeconds(10));

		this.rabbit.publish(stalled);
		this.rabbit.publish(StreamResumed.of(this.t0.plusSeconds(50), published.session(), stalled.occurredAt()));
		StreamStalled throughOldBinding = StreamStalled.of(this.t0.plusSeconds(60), published.session(),
				this.t0.plusSeconds(55));
		EventCodec codec = new EventCodec();
		this.rabbit.send("", StatusTopology.EVENTS_QUEUE,
				EventMessages.toMessage(throughOldBinding, codec.encode(throughOldBinding)));
		this.rabbit.publish(FixtureEvents.published("unknown" + UUID.randomUUID().toString().replace("-", ""), "s9",
				this.t0.plusSeconds(70)));

		await().untilAsserted(() -> assertThat(count("unknown_channel")).isEqualTo(unknown + 1));
		assertThat(count("informational")).isEqualTo(informational + 1);
		assertThat(count("dead_lettered")).isEqualTo(deadLettered);
		assertThat(patches()).isEqualTo(patches);
		assertThat(store.row(this.channel)).containsEntry("is_on_live", true).containsEntry("modified", this.t0);
		assertThat(this.rabbit.messageCount(StatusTopology.EVENTS_QUEUE)).isZero();
	}

	private double count(String outcome) {
		var counter = this.meters.find("status.events").tag("outcome", outcome).counter();
		return (counter == null) ? 0 : counter.count();
	}

	private int patches() {
		return (int) store.requests().stream().filter(request -> request.method().equals("PATCH")).count();
	}

	private JsonNode readiness() {
		return JsonMapper.builder()
			.build()
			.readTree(WebClient.create("http://localhost:" + this.port)
				.get()
				.uri("/actuator/health/readiness")
				.exchangeToMono(response -> response.bodyToMono(String.class))
				.block(Duration.ofSeconds(5)));
	}

	private String cover() {
		return new Channel(this.channel, StreamKey.of(this.key), false, null).cover();
	}

}
