package dev.streamctl.thumbnail.capture;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import javax.imageio.ImageIO;

import dev.streamctl.common.directory.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.media.RtmpServer;
import dev.streamctl.common.test.media.SyntheticStream;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The thumbnail worker with real FFmpeg, a real RTMP server, the real broker and the fake
 * store.
 */
@DirtiesContext
@SpringBootTest(properties = { "thumbnail.interval=2s", "thumbnail.lock-retries=1", "thumbnail.restart-backoff=200ms",
		"thumbnail.max-failures=3" })
class ThumbnailWorkerIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("thumbnail-it");

	private static final FakePostgrest store = new FakePostgrest();

	private static final FakeSrsApi srs = new FakeSrsApi();

	private static final RtmpServer rtmp = new RtmpServer();

	@TempDir
	static Path thumbnails;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
		registry.add("srs.apis", () -> srs.url().toString());
		registry.add("thumbnail.directory", () -> thumbnails.toString());
		registry.add("thumbnail.input-url", rtmp::urlTemplate);
	}

	@AfterAll
	static void tearDown() {
		rtmp.close();
		store.close();
		srs.close();
	}

	@Autowired
	MeterRegistry meters;

	private TestRabbit rabbit;

	private String key;

	private Path thumbnail;

	private SyntheticStream stream;

	@BeforeEach
	void setUp() {
		this.rabbit = new TestRabbit(broker, vhost);
		this.key = "t" + UUID.randomUUID().toString().replace("-", "");
		UUID channel = store.addChannel(this.key);
		this.thumbnail = thumbnails
			.resolve(new Channel(channel, StreamKey.of(this.key), false, null).publicName() + ".jpg");
	}

	@AfterEach
	void tearDownStream() {
		if (this.stream != null) {
			this.stream.close();
		}
		srs.unpublish("live", this.key);
		this.rabbit.close();
	}

	@Test
	void writesAWholeJpegNamedByTheChannelAndRefreshesItAtomically() throws Exception {
		goLive();

		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		Set<FileTime> versions = new HashSet<>();
		await().untilAsserted(() -> {
			byte[] jpeg = Files.readAllBytes(this.thumbnail);
			assertThat(Arrays.copyOfRange(jpeg, 0, 2)).as("starts with SOI").containsExactly(0xFF, 0xD8);
			assertThat(Arrays.copyOfRange(jpeg, jpeg.length - 2, jpeg.length)).as("ends with EOI")
				.containsExactly(0xFF, 0xD9);
			assertThat(ImageIO.read(new ByteArrayInputStream(jpeg)).getWidth()).isEqualTo(320);
			versions.add(Files.getLastModifiedTime(this.thumbnail));
			assertThat(versions).hasSizeGreaterThanOrEqualTo(3);
		});
		try (var files = Files.list(thumbnails)) {
			assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.contains(this.key));
		}
	}

	@Test
	void startsNothingNewForARepeatedPublish() {
		var published = goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		double duplicates = jobs("duplicate");

		this.rabbit.publish(published);
		this.rabbit.publish(FixtureEvents.published(this.key, "c1", Instant.now()));

		await().untilAsserted(() -> assertThat(jobs("duplicate")).isEqualTo(duplicates + 2));
		// a second capture would stay; the quick first-image run hands over to the
		// capture within milliseconds
		await().untilAsserted(() -> assertThat(RunningCaptures.of(this.key)).isEqualTo(1));
	}

	@Test
	void stopsOnUnpublishAndKeepsTheLastThumbnail() {
		goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());

		this.rabbit.publish(FixtureEvents.unpublished(this.key, "c1", Instant.now()));

		await().untilAsserted(() -> assertThat(RunningCaptures.of(this.key)).isZero());
		assertThat(this.thumbnail).exists();
	}

	@Test
	void restartsAStalledCaptureAndGivesUpOnceSrsNoLongerListsTheStream() throws Exception {
		goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		double restarts = this.meters.get("thumbnail.captures.restarts").counter().count();

		this.stream.close();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.meters.get("thumbnail.captures.restarts").counter().count())
				.isGreaterThan(restarts));
		FileTime beforeReturn = Files.getLastModifiedTime(this.thumbnail);
		this.stream = SyntheticStream.small(rtmp.url("live", this.key));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(Files.getLastModifiedTime(this.thumbnail)).isGreaterThan(beforeReturn));

		srs.unpublish("live", this.key);
		this.stream.close();
		this.stream = null;
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(RunningCaptures.of(this.key)).isZero();
			assertThat(jobs("given_up")).isPositive();
		});
	}

	@Test
	void capturesNothingForAnUnknownChannel() {
		double unknown = jobs("unknown_channel");

		this.rabbit.publish(FixtureEvents.published("nochannel" + UUID.randomUUID().toString().replace("-", ""), "c1",
				Instant.now()));

		await().untilAsserted(() -> assertThat(jobs("unknown_channel")).isEqualTo(unknown + 1));
	}

	private dev.streamctl.common.event.StreamPublished goLive() {
		this.stream = SyntheticStream.small(rtmp.url("live", this.key));
		srs.publish("live", this.key, "c1");
		var published = FixtureEvents.published(this.key, "c1", Instant.now());
		this.rabbit.publish(published);
		return published;
	}

	private double jobs(String outcome) {
		var counter = this.meters.find("thumbnail.jobs").tag("outcome", outcome).counter();
		return (counter == null) ? 0 : counter.count();
	}

}
