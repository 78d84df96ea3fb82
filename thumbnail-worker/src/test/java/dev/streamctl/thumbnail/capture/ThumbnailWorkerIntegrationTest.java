package dev.streamctl.thumbnail.capture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import javax.imageio.ImageIO;

import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.test.media.LiveFlvSource;
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
 * The thumbnail worker with a live HTTP-FLV source that answers as SRS does, the real
 * broker, the fake store and a fake SRS API.
 */
@DirtiesContext
@SpringBootTest(properties = { "thumbnail.interval=2s", "thumbnail.lock-retries=1", "thumbnail.restart-backoff=200ms",
		"thumbnail.max-failures=3", "thumbnail.stall-timeout=1500ms", "thumbnail.header-timeout=1s",
		"srs.listing-max-age=0s" })
class ThumbnailWorkerIntegrationTest {

	private static final TestBroker broker = TestBroker.get();

	private static final String vhost = broker.createVhost("thumbnail-it");

	private static final FakePostgrest store = new FakePostgrest();

	private static final FakeSrsApi srs = new FakeSrsApi();

	private static final LiveFlvSource source = LiveFlvSource.testPattern();

	@TempDir
	static Path thumbnails;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		broker.springProperties(vhost).forEach((name, value) -> registry.add(name, () -> value));
		registry.add("supabase.url", store::url);
		registry.add("supabase.key", () -> FakePostgrest.SERVICE_KEY);
		registry.add("srs.apis", () -> srs.url().toString());
		registry.add("thumbnail.directory", () -> thumbnails.toString());
		registry.add("thumbnail.input-url", source::urlTemplate);
	}

	@AfterAll
	static void tearDown() {
		source.close();
		store.close();
		srs.close();
	}

	@Autowired
	MeterRegistry meters;

	private TestRabbit rabbit;

	private String key;

	private Path thumbnail;

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
		source.unpublish("live", this.key);
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
			BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
			assertThat(image.getWidth()).isEqualTo(320);
			assertThat(image.getHeight()).as("the aspect ratio of 320x180").isEqualTo(180);
			versions.add(Files.getLastModifiedTime(this.thumbnail));
			assertThat(versions).hasSizeGreaterThanOrEqualTo(3);
		});
		try (var files = Files.list(thumbnails)) {
			assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.contains(this.key));
		}
		assertThat(source.readers("live", this.key)).as("one connection, no process").isEqualTo(1);
	}

	@Test
	void startsNothingNewForARepeatedPublish() {
		var published = goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		double duplicates = jobs("duplicate");

		this.rabbit.publish(published);
		this.rabbit.publish(FixtureEvents.published(this.key, "c1", Instant.now()));

		await().untilAsserted(() -> assertThat(jobs("duplicate")).isEqualTo(duplicates + 2));
		assertThat(source.requests("live", this.key)).isEqualTo(1);
	}

	@Test
	void stopsOnTheUnpublishOfItsSessionAndKeepsTheLastThumbnail() {
		goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());

		this.rabbit.publish(FixtureEvents.unpublished(this.key, "c1", Instant.now()));

		await().untilAsserted(() -> assertThat(source.readers("live", this.key)).isZero());
		assertThat(this.thumbnail).exists();
	}

	@Test
	void keepsCapturingWhenARefusedSecondPublisherCloses() throws Exception {
		goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		double duplicates = jobs("duplicate");

		this.rabbit.publish(FixtureEvents.published(this.key, "c2", Instant.now()));
		await().untilAsserted(() -> assertThat(jobs("duplicate")).isEqualTo(duplicates + 1));
		this.rabbit.publish(FixtureEvents.closedWithoutUnpublish(this.key, "c2", Instant.now()));

		FileTime before = Files.getLastModifiedTime(this.thumbnail);
		await().untilAsserted(() -> assertThat(Files.getLastModifiedTime(this.thumbnail)).isGreaterThan(before));
		assertThat(source.readers("live", this.key)).isEqualTo(1);
	}

	@Test
	void readsAgainWhenTheResponseEndsAndEndsOnceSrsNoLongerListsTheStream() throws Exception {
		goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		double ended = jobs("ended");

		source.unpublish("live", this.key);
		source.publish("live", this.key);
		await().untilAsserted(() -> assertThat(source.requests("live", this.key)).isGreaterThanOrEqualTo(2));
		FileTime beforeReturn = Files.getLastModifiedTime(this.thumbnail);
		await().untilAsserted(() -> assertThat(Files.getLastModifiedTime(this.thumbnail)).isGreaterThan(beforeReturn));

		source.unpublish("live", this.key);
		srs.unpublish("live", this.key);
		await().untilAsserted(() -> {
			assertThat(source.readers("live", this.key)).isZero();
			// another test's capture may end in the same moment: at least this one
			assertThat(jobs("ended")).isGreaterThanOrEqualTo(ended + 1);
		});
	}

	@Test
	void aReaderThatConnectsBeforeTheStreamStartsGetsItsFirstThumbnailOnceItDoes() {
		srs.publish("live", this.key, "c1");
		this.rabbit.publish(FixtureEvents.published(this.key, "c1", Instant.now()));
		await().untilAsserted(() -> assertThat(source.readers("live", this.key)).isEqualTo(1));

		source.publish("live", this.key);

		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
	}

	@Test
	void reportsAStreamThatStallsAndResumesAndChangesNothingElse() throws Exception {
		goLive();
		await().untilAsserted(() -> assertThat(this.thumbnail).exists());
		double stalled = events("stream.stalled");
		double resumed = events("stream.resumed");

		source.stall("live", this.key, true);
		await().untilAsserted(() -> assertThat(gauge("thumbnail.streams.stalled")).isEqualTo(1));
		assertThat(source.readers("live", this.key)).isEqualTo(1);
		await().untilAsserted(() -> assertThat(events("stream.stalled")).isEqualTo(stalled + 1));

		source.stall("live", this.key, false);
		await().untilAsserted(() -> assertThat(gauge("thumbnail.streams.stalled")).isZero());
		await().untilAsserted(() -> assertThat(events("stream.resumed")).isEqualTo(resumed + 1));
		FileTime before = Files.getLastModifiedTime(this.thumbnail);
		await().untilAsserted(() -> assertThat(Files.getLastModifiedTime(this.thumbnail)).isGreaterThan(before));
	}

	@Test
	void settlesAJobOfAStreamSrsNoLongerListsWithoutConnecting() {
		double ended = jobs("ended");
		int requests = source.requests();

		this.rabbit.publish(FixtureEvents.published(this.key, "c1", Instant.now()));

		await().untilAsserted(() -> assertThat(jobs("ended")).isEqualTo(ended + 1));
		assertThat(source.requests()).isEqualTo(requests);
	}

	@Test
	void capturesNothingForAnUnknownChannel() {
		double unknown = jobs("unknown_channel");
		String stranger = "nochannel" + UUID.randomUUID().toString().replace("-", "");
		srs.publish("live", stranger, "c1");

		this.rabbit.publish(FixtureEvents.published(stranger, "c1", Instant.now()));

		await().untilAsserted(() -> assertThat(jobs("unknown_channel")).isEqualTo(unknown + 1));
		srs.unpublish("live", stranger);
	}

	private StreamPublished goLive() {
		source.publish("live", this.key);
		srs.publish("live", this.key, "c1");
		StreamPublished published = FixtureEvents.published(this.key, "c1", Instant.now());
		this.rabbit.publish(published);
		return published;
	}

	private double jobs(String outcome) {
		var counter = this.meters.find("thumbnail.jobs").tag("outcome", outcome).counter();
		return (counter == null) ? 0 : counter.count();
	}

	/** Stall events the broker confirmed, of one type. */
	private double events(String type) {
		return this.meters.get("thumbnail.stream.events")
			.tag("type", type)
			.tag("outcome", "published")
			.counter()
			.count();
	}

	private double gauge(String name) {
		return this.meters.get(name).gauge().value();
	}

}
