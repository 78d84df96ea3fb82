package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.ServiceProcess;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.ThumbnailTopology;
import dev.streamctl.common.test.media.LiveFlvSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool as a deployment runs it: packaged workers as real processes sharing one
 * thumbnail directory, reading a live HTTP-FLV source. A worker at capacity leaves a
 * stream waiting until a worker is added; a worker killed with SIGKILL has its capture
 * resume on another; a worker stopped with SIGTERM hands its captures over at once;
 * through all of it each stream has exactly one reader.
 */
class ThumbnailPoolIT {

	private static final Path JAR = Path.of("target", "thumbnail-worker.jar");

	private final TestBroker broker = TestBroker.get();

	private final String vhost = this.broker.createVhost("thumbnail-pool");

	private final FakePostgrest store = new FakePostgrest();

	private final FakeSrsApi srs = new FakeSrsApi();

	private final LiveFlvSource source = LiveFlvSource.testPattern();

	private final List<ServiceProcess> workers = new ArrayList<>();

	@TempDir
	Path work;

	@AfterEach
	void tearDown() {
		this.workers.forEach(ServiceProcess::close);
		this.source.close();
		this.store.close();
		this.srs.close();
		this.broker.deleteVhost(this.vhost);
	}

	@Test
	void capturesMoveBetweenWorkersThatComeGoAndDie() throws Exception {
		Path thumbnails = Files.createDirectories(this.work.resolve("thumbnails"));
		String first = live();
		String second = live();
		try (TestRabbit rabbit = new TestRabbit(this.broker, this.vhost)) {
			ServiceProcess a = start("a", 1, thumbnails);
			rabbit.publish(FixtureEvents.published(first, "c1", Instant.now()));
			awaitRefreshed(thumbnails, first);

			rabbit.publish(FixtureEvents.published(second, "c2", Instant.now()));
			await().untilAsserted(
					() -> assertThat(rabbit.messageCount(ThumbnailTopology.JOBS_QUEUE)).as("waiting job").isEqualTo(1));

			ServiceProcess b = start("b", 2, thumbnails);
			awaitRefreshed(thumbnails, second);

			a.kill();
			awaitRefreshed(thumbnails, first);

			start("c", 2, thumbnails);
			b.terminate();
			awaitRefreshed(thumbnails, first);
			awaitRefreshed(thumbnails, second);
			await().untilAsserted(() -> {
				assertThat(this.source.readers("live", first)).isEqualTo(1);
				assertThat(this.source.readers("live", second)).isEqualTo(1);
			});
		}
	}

	private String live() {
		String key = "p" + UUID.randomUUID().toString().replace("-", "");
		this.store.addChannel(key);
		this.srs.publish("live", key, "c");
		this.source.publish("live", key);
		return key;
	}

	private void awaitRefreshed(Path thumbnails, String key) throws IOException {
		UUID id = this.store.rows()
			.stream()
			.filter(row -> row.get("stream_id").equals(key))
			.map(row -> UUID.fromString((String) row.get("id")))
			.findFirst()
			.orElseThrow();
		Path file = thumbnails.resolve(new Channel(id, StreamKey.of(key), false, null).publicName() + ".jpg");
		FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(Files.exists(file) && Files.getLastModifiedTime(file).compareTo(before) > 0)
				.as("thumbnail of " + key.substring(0, 4) + " refreshed")
				.isTrue());
	}

	private ServiceProcess start(String name, int maxCaptures, Path thumbnails) {
		ServiceProcess worker = ServiceProcess.start(JAR, this.broker, this.vhost,
				Map.of("SUPABASE_URL", this.store.url(), "SUPABASE_KEY", FakePostgrest.SERVICE_KEY, "SRS_APIS",
						this.srs.url().toString(), "THUMBNAIL_DIR", thumbnails.toString(), "THUMBNAIL_INPUT_URL",
						this.source.urlTemplate(), "THUMBNAIL_INTERVAL", "2s", "THUMBNAIL_MAX_CAPTURES",
						String.valueOf(maxCaptures)),
				this.work.resolve(name + ".log"));
		this.workers.add(worker);
		return worker;
	}

}
