package dev.streamctl.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.streamctl.store.Channel;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.FakeSrsApi;
import dev.streamctl.common.test.ServiceProcess;
import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.TestBroker;
import dev.streamctl.common.test.TestRabbit;
import dev.streamctl.common.test.media.LiveFlvSource;
import dev.streamctl.common.test.postgrest.FakePostgrest;
import dev.streamctl.common.topology.StatusTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.amqp.core.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline without containers: gateway, status worker and thumbnail worker as
 * real processes, the real broker, real FFmpeg, nginx-rtmp standing in for SRS, and a
 * fake Supabase. SRS's hook calls are replayed from the captured fixtures with the test
 * stream's name. It walks a stream from publish to unpublish, then audits that the stream
 * key and its token leaked nowhere.
 */
class PipelineIT {

	private static final String HOOK_SECRET = "hook-secret-" + UUID.randomUUID();

	private final TestBroker broker = TestBroker.get();

	private final String vhost = this.broker.createVhost("pipeline");

	private final FakePostgrest store = new FakePostgrest();

	private final FakeSrsApi srs = new FakeSrsApi();

	private final LiveFlvSource source = LiveFlvSource.testPattern();

	private final List<AutoCloseable> running = new ArrayList<>();

	private final String key = "Leak" + UUID.randomUUID().toString().replace("-", "");

	private final String token = "tok" + UUID.randomUUID().toString().replace("-", "");

	@TempDir
	Path work;

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable closeable : this.running) {
			closeable.close();
		}
		this.source.close();
		this.store.close();
		this.srs.close();
		this.broker.deleteVhost(this.vhost);
	}

	@Test
	void walksAStreamFromPublishToUnpublishAndLeaksTheKeyNowhere() throws Exception {
		UUID channelId = this.store.addChannel(this.key);
		String publicName = new Channel(channelId, StreamKey.of(this.key), false, null).publicName();
		Path thumbnails = Files.createDirectories(this.work.resolve("thumbnails"));
		Path thumbnail = thumbnails.resolve(publicName + ".jpg");
		ServiceProcess gateway = start("hook-gateway",
				Map.of("HOOK_SECRET", HOOK_SECRET, "TARGET_FORWARD_URL", "rtmp://relay.example:1935/live",
						"GATEWAY_DELIVERY_SPOOL_DIRECTORY", this.work.resolve("spool").toString()));
		ServiceProcess status = start("status-worker", Map.of("SRS_APIS", this.srs.url().toString()));
		ServiceProcess thumbnailer = start("thumbnail-worker",
				Map.of("THUMBNAIL_DIR", thumbnails.toString(), "THUMBNAIL_INPUT_URL", this.source.urlTemplate(),
						"THUMBNAIL_INTERVAL", "2s", "SRS_APIS", this.srs.url().toString()));
		List<String> answers = new ArrayList<>();

		this.source.publish("live", this.key);
		this.srs.publish("live", this.key, "yl4n3ijj");
		answers.add(gateway.post(hooks(), hook("on_connect.json")));
		answers.add(gateway.post(hooks(), hook("on_publish.json")));
		String forward = gateway.post("/srs/forward?secret=" + HOOK_SECRET, hook("forward_backend_request.json"));
		answers.add(forward);

		assertThat(forward)
			.isEqualTo("{\"code\":0,\"data\":{\"urls\":[\"rtmp://relay.example:1935/live/" + publicName + "\"]}}");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.store.row(channelId)).containsEntry("is_on_live", true)
				.containsEntry("last_status", "online")
				.containsEntry("cover", publicName + ".jpg"));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(thumbnail).exists());
		FileTime first = Files.getLastModifiedTime(thumbnail);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(Files.getLastModifiedTime(thumbnail)).isGreaterThan(first));

		this.srs.unpublish("live", this.key);
		this.source.unpublish("live", this.key);
		answers.add(gateway.post(hooks(), hook("on_unpublish.json")));
		answers.add(gateway.post(hooks(), hook("on_close.json")));

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.store.row(channelId)).containsEntry("is_on_live", false)
				.containsEntry("last_status", "offline"));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.source.readers("live", this.key)).isZero());
		assertThat(thumbnail).exists();

		String deadLetterHeaders = deadLetterAfterAWrongKey(gateway, channelId);

		List<String> leakSurfaces = new ArrayList<>(answers);
		leakSurfaces.add(deadLetterHeaders);
		for (ServiceProcess service : List.of(gateway, status, thumbnailer)) {
			leakSurfaces.add(service.logOutput());
			leakSurfaces.addAll(service.actuatorAnswers());
		}
		try (Stream<Path> files = Files.list(thumbnails)) {
			files.forEach(file -> leakSurfaces.add(file.getFileName().toString()));
		}
		assertThat(leakSurfaces).hasSizeGreaterThan(20)
			.allSatisfy(surface -> assertThat(surface).doesNotContain(this.key, this.token));
	}

	/**
	 * Makes the store refuse the key once, so an event is dead-lettered; answers its
	 * headers.
	 */
	private String deadLetterAfterAWrongKey(ServiceProcess gateway, UUID channelId) {
		this.store.failWith(401, "{\"message\":\"Invalid API key\",\"hint\":\"Double check your Supabase key.\"}");
		gateway.post(hooks(), hook("on_publish.json"));
		try (TestRabbit rabbit = new TestRabbit(this.broker, this.vhost)) {
			Message[] dead = new Message[1];
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(
						() -> assertThat(dead[0] = rabbit.receive(StatusTopology.DEAD_LETTER_QUEUE)).isNotNull());
			this.store.clearFaults();
			return dead[0].getMessageProperties().getHeaders().toString() + dead[0].getMessageProperties();
		}
	}

	private ServiceProcess start(String module, Map<String, String> extra) {
		Map<String, String> env = new HashMap<>(extra);
		env.put("SUPABASE_URL", this.store.url());
		env.put("SUPABASE_KEY", FakePostgrest.SERVICE_KEY);
		ServiceProcess service = ServiceProcess.start(Path.of("..", module, "target", module + ".jar"), this.broker,
				this.vhost, env, this.work.resolve(module + ".log"));
		this.running.add(service);
		return service;
	}

	private static String hooks() {
		return "/srs/hooks?secret=" + HOOK_SECRET;
	}

	private String hook(String fixture) {
		return SrsFixtures.with(fixture, Map.of("stream", this.key, "param", "?token=" + this.token));
	}

}
