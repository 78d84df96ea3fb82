package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.streamctl.common.directory.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.media.RtmpServer;
import dev.streamctl.common.test.media.SyntheticStream;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.ThumbnailTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool as a deployment runs it: packaged workers as real processes sharing one thumbnail directory.
 * A worker at capacity leaves a stream waiting until a worker is added; a worker killed with SIGKILL leaves
 * no FFmpeg behind and its capture resumes on another; a worker stopped with SIGTERM hands its captures
 * over at once; through all of it each stream has exactly one capture.
 */
class ThumbnailPoolIT {

	private static final Path JAR = Path.of("target", "thumbnail-worker.jar");

	private final TestBroker broker = TestBroker.get();

	private final String vhost = this.broker.createVhost("thumbnail-pool");

	private final FakePostgrest store = new FakePostgrest();

	private final FakeSrsApi srs = new FakeSrsApi();

	private final RtmpServer rtmp = new RtmpServer();

	private final List<Process> workers = new ArrayList<>();

	private final List<SyntheticStream> streams = new ArrayList<>();

	@TempDir
	Path work;

	@AfterEach
	void tearDown() {
		this.workers.forEach(Process::destroyForcibly);
		this.streams.forEach(SyntheticStream::close);
		this.rtmp.close();
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
			Process a = start("a", 1, thumbnails);
			rabbit.publish(FixtureEvents.published(first, "c1", Instant.now()));
			awaitRefreshed(thumbnails, first);

			rabbit.publish(FixtureEvents.published(second, "c2", Instant.now()));
			await().untilAsserted(() -> assertThat(rabbit.messageCount(ThumbnailTopology.JOBS_QUEUE)).as("waiting job").isEqualTo(1));

			Process b = start("b", 2, thumbnails);
			awaitRefreshed(thumbnails, second);

			a.destroyForcibly().waitFor();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(RunningCaptures.orphaned()).isZero());
			awaitRefreshed(thumbnails, first);

			start("c", 2, thumbnails);
			b.destroy();
			b.waitFor();
			awaitRefreshed(thumbnails, first);
			awaitRefreshed(thumbnails, second);
			assertThat(RunningCaptures.of(first)).isEqualTo(1);
			assertThat(RunningCaptures.of(second)).isEqualTo(1);
		}
	}

	private String live() {
		String key = "p" + UUID.randomUUID().toString().replace("-", "");
		this.store.addChannel(key);
		this.srs.publish("live", key, "c");
		this.streams.add(SyntheticStream.small(this.rtmp.url("live", key)));
		return key;
	}

	private void awaitRefreshed(Path thumbnails, String key) throws IOException {
		UUID id = this.store.rows().stream()
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

	private Process start(String name, int maxCaptures, Path thumbnails) throws IOException {
		int port = freePort();
		ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
				JAR.toAbsolutePath().toString());
		Map<String, String> env = builder.environment();
		env.put("SERVER_PORT", String.valueOf(port));
		env.put("SPRING_RABBITMQ_HOST", this.broker.host());
		env.put("SPRING_RABBITMQ_PORT", String.valueOf(this.broker.port()));
		env.put("SPRING_RABBITMQ_USERNAME", this.broker.username());
		env.put("SPRING_RABBITMQ_PASSWORD", this.broker.password());
		env.put("SPRING_RABBITMQ_VIRTUAL_HOST", this.vhost);
		env.put("SUPABASE_URL", this.store.url());
		env.put("SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
		env.put("SRS_APIS", this.srs.url().toString());
		env.put("THUMBNAIL_DIR", thumbnails.toString());
		env.put("THUMBNAIL_INPUT_URL", this.rtmp.urlTemplate());
		env.put("THUMBNAIL_INTERVAL", "2s");
		env.put("THUMBNAIL_MAX_CAPTURES", String.valueOf(maxCaptures));
		builder.redirectErrorStream(true).redirectOutput(this.work.resolve(name + ".log").toFile());
		Process process = builder.start();
		this.workers.add(process);
		WebClient client = WebClient.create("http://localhost:" + port);
		await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
			assertThat(process.isAlive()).as("worker " + name + " alive").isTrue();
			assertThat(client.get().uri("/actuator/health/readiness").retrieve().bodyToMono(String.class).block())
				.contains("\"status\":\"UP\"");
		});
		return process;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
