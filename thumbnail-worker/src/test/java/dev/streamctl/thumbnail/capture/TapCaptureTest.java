package dev.streamctl.thumbnail.capture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.imageio.ImageIO;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.streamctl.store.Channel;
import dev.streamctl.common.event.SrsSession;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.event.StreamPublished;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.FixtureEvents;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.test.media.FlvTags;
import dev.streamctl.common.test.media.FlvTags.Tag;
import dev.streamctl.common.test.media.LiveFlvSource;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecoder;
import dev.streamctl.thumbnail.capture.flv.FakeSrsHttpFlv;
import dev.streamctl.thumbnail.capture.flv.FlvReader;
import dev.streamctl.thumbnail.capture.flv.Keyframe;
import dev.streamctl.thumbnail.capture.flv.TestKeyframes;
import dev.streamctl.srs.SrsServers.Liveness;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One stream's capture against HTTP-FLV sources that behave as SRS 6 does: the scripted
 * connections of {@link FakeSrsHttpFlv} on SRS's real join, and the live streams of
 * {@link LiveFlvSource}; with a real decode pool and thumbnail directory. Every test also
 * proves that the stream key never reaches a log line in full.
 */
class TapCaptureTest {

	private static final Duration HOUR = Duration.ofHours(1);

	private static final byte[] JOIN = FlvTags.srsJoin();

	private static final List<Tag> JOIN_KEYFRAMES = FlvTags.of(JOIN).stream().filter(Tag::isAvcKeyframe).toList();

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(3))
		.build();

	@TempDir
	static Path clips;

	/** A small 1080p keyframe, then one of about 2 MB (noise). */
	private static byte[] bigKeyframe;

	@TempDir
	Path directory;

	private final String key = "secret" + UUID.randomUUID().toString().replace("-", "");

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CaptureMetrics metrics = new CaptureMetrics(this.meters);

	private final TestClock clock = new TestClock();

	private final RecordingStalls stalls = new RecordingStalls();

	private final AtomicInteger livenessAsked = new AtomicInteger();

	private final List<TapCapture> captures = new CopyOnWriteArrayList<>();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final Logger readerLogger = (Logger) LoggerFactory.getLogger(FlvReader.class);

	private final List<CapturedLogs> logs = new ArrayList<>();

	private RecordingFiles files;

	private DecodePool pool;

	@BeforeAll
	static void makeTheBigKeyframeClip() throws IOException, InterruptedException {
		bigKeyframe = bigKeyframeClip(clips);
	}

	@BeforeEach
	void setUp() {
		this.readerLogger.setLevel(Level.DEBUG);
		for (Class<?> source : List.of(TapCapture.class, FlvReader.class, DecodePool.class)) {
			this.logs.add(CapturedLogs.of(source));
		}
		this.files = new RecordingFiles(TestCaptureSettings.in(this.directory).build());
		this.pool = pool(HOUR);
	}

	@AfterEach
	void theStreamKeyWasNeverLoggedInFull() throws Exception {
		try {
			this.captures.forEach(TapCapture::stop);
			assertThat(logLines()).noneMatch((line) -> line.contains(this.key));
		}
		finally {
			for (AutoCloseable resource : this.resources) {
				resource.close();
			}
			this.logs.forEach(CapturedLogs::close);
			this.readerLogger.setLevel(null);
		}
	}

	@Test
	void writesTheThumbnailFromTheGopCacheOfAJoin() throws IOException {
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, JOIN, false);
			connection.holdUntilTheClientCloses();
		});

		TapCapture capture = capture(settings(srs), answering(Liveness.LIVE));

		await().until(() -> thumbnail(capture) != null);
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumbnail(capture)));
		assertThat(image.getWidth()).isEqualTo(320);
		assertThat(image.getHeight()).as("1280x720 scaled to 320 wide").isEqualTo(180);
		assertThat(capture.lastFrame()).isEqualTo(this.clock.instant());
		assertThat(srs.connections()).singleElement()
			.satisfies((connection) -> assertThat(connection.request())
				.isEqualTo("GET /live/" + this.key + ".flv HTTP/1.1"));
		assertThat(capture.isRunning()).isTrue();
		assertThat(this.meters.find("thumbnail.reads").counters()).as("no read ended").isEmpty();
	}

	@Test
	void aBodyCutOffMidTagKeepsTheThumbnailOfTheLastCompleteKeyframeAndReconnects() throws Exception {
		byte[] cut = Arrays.copyOf(JOIN, JOIN_KEYFRAMES.get(3).offset() + 1000);
		AtomicInteger served = new AtomicInteger();
		FakeSrsHttpFlv srs = srs((connection) -> {
			if (served.getAndIncrement() == 0) {
				connection.srsHeaders();
				// ends without the final chunk, as SRS does when the publisher stops
				FakeSrsHttpFlv.sendPaced(connection, cut, false);
			}
			else {
				connection.holdUntilTheClientCloses();
			}
		});
		this.pool = pool(Duration.ofMillis(100));
		Keyframe lastComplete = TestKeyframes.of(JOIN).get(2);

		TapCapture capture = capture(settings(srs), answering(Liveness.LIVE));

		await().until(() -> Arrays.equals(thumbnail(capture), thumbnailOf(lastComplete)));
		await().until(() -> srs.connections().size() >= 2);
		assertThat(reads("ended")).isEqualTo(1);
		assertThat(capture.isRunning()).isTrue();
	}

	@Test
	void aBodyThatIsNotFlvIsCountedAndTriedAgain() {
		byte[] page = "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.US_ASCII);
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			connection.chunk(page, 0, page.length);
			connection.holdUntilTheClientCloses();
		});

		TapCapture capture = capture(settings(srs), answering(Liveness.LIVE));

		await().until(() -> reads("tap_failed") >= 2);
		assertThat(srs.connections().size()).isGreaterThanOrEqualTo(2);
		assertThat(capture.isRunning()).isTrue();
		assertThat(capture.endedBecause()).isNull();
		assertThat(thumbnail(capture)).isNull();
		assertThat(logLines()).anyMatch((line) -> line.startsWith(
				"WARN The HTTP-FLV of sec*** is not readable: not an FLV stream: it starts with 3C 68 74 6D 6C"));
	}

	@Test
	void decodesATwoMegabyteKeyframeUnderTheDefaultCap() throws Exception {
		Keyframe big = TestKeyframes.of(bigKeyframe).get(1);
		assertThat(big.sizeBytes()).isBetween(2_000_000, 4 * 1024 * 1024);
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, bigKeyframe, false);
			connection.holdUntilTheClientCloses();
		});
		this.pool = pool(Duration.ofMillis(100));

		TapCapture capture = capture(settings(srs), answering(Liveness.LIVE));

		await().until(() -> Arrays.equals(thumbnail(capture), thumbnailOf(big)));
		assertThat(this.meters.find("thumbnail.keyframes.dropped").counters()).isEmpty();
	}

	@Test
	void dropsAKeyframeOverTheCapLogsItOnceAndKeepsThePreviousThumbnail() throws Exception {
		Keyframe small = TestKeyframes.of(bigKeyframe).get(0);
		AtomicInteger served = new AtomicInteger();
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, bigKeyframe, false);
			if (served.incrementAndGet() > 1) {
				connection.holdUntilTheClientCloses();
			}
		});

		TapCapture capture = capture(settings(srs).maxKeyframeSize(DataSize.ofMegabytes(1)), answering(Liveness.LIVE));

		await().until(() -> dropped("too_large") == 2);
		await().until(() -> thumbnail(capture) != null);
		assertThat(thumbnail(capture)).isEqualTo(thumbnailOf(small));
		assertThat(this.files.writes()).hasSize(1);
		assertThat(logLines()).filteredOn((line) -> line.contains("Dropped a keyframe"))
			.singleElement()
			.satisfies(
					(line) -> assertThat(line).startsWith("WARN Dropped a keyframe of sec*** (").contains("TOO_LARGE"));
	}

	@Test
	void aStreamWithoutVideoIsReadAgain() {
		ByteArrayOutputStream audioOnly = new ByteArrayOutputStream();
		audioOnly.write(JOIN, 0, FlvTags.HEADER_AND_FIRST_PREVIOUS_TAG_SIZE);
		FlvTags.of(JOIN).stream().filter(Tag::isAudio).limit(20).forEach((tag) -> audioOnly.writeBytes(tag.bytes()));
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, audioOnly.toByteArray(), false);
			connection.holdUntilTheClientCloses();
		});

		TapCapture capture = capture(settings(srs).videoTimeout(Duration.ofMillis(300)), answering(Liveness.LIVE));

		await().until(() -> reads("no_video") >= 2);
		assertThat(srs.connections().size()).isGreaterThanOrEqualTo(2);
		assertThat(capture.isRunning()).isTrue();
		assertThat(thumbnail(capture)).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "false, codecid-12", "true, fourcc-hvc1" })
	void aStreamWhoseVideoIsNotH264EndsItsCapture(boolean enhancedFlv, String codec) {
		byte[] hevc = TestKeyframes.hevcBody(enhancedFlv);
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, hevc, false);
			connection.holdUntilTheClientCloses();
		});

		TapCapture capture = capture(settings(srs), answering(Liveness.LIVE));

		await().until(() -> !capture.isRunning());
		assertThat(capture.endedBecause()).isEqualTo("unsupported_codec");
		assertThat(this.meters.get("thumbnail.unsupported.codec").tag("codec", codec).counter().count()).isEqualTo(1);
		assertThat(reads("unsupported_codec")).isEqualTo(1);
		assertThat(srs.connections()).hasSize(1);
		assertThat(this.livenessAsked).hasValue(0);
		assertThat(logLines()).contains("WARN No thumbnails for sec***: its video is " + codec + ", not H.264");
	}

	@Test
	void aReaderThatConnectsBeforeTheStreamStartsGetsItsThumbnailOnceItPublishes() {
		LiveFlvSource source = liveSource();
		TapCapture capture = capture(settings(source).headerTimeout(Duration.ofSeconds(30)), answering(Liveness.LIVE));
		await().until(() -> source.readers("live", this.key) == 1);
		assertThat(thumbnail(capture)).isNull();

		source.publish("live", this.key);

		await().until(() -> thumbnail(capture) != null);
		assertThat(source.requests("live", this.key)).as("the request that waited got the stream").isEqualTo(1);
		assertThat(this.meters.find("thumbnail.reads").counters()).isEmpty();
	}

	@Test
	void aStreamSrsStillListsIsRequestedAgainWhileNoHeadersCome() {
		FakeSrsHttpFlv srs = srs(FakeSrsHttpFlv.Connection::holdUntilTheClientCloses);

		TapCapture capture = capture(noHeaders(settings(srs)), answering(Liveness.LIVE));

		await().until(() -> reads("no_headers") >= 4);
		assertThat(srs.connections().size()).isGreaterThanOrEqualTo(4);
		assertThat(this.livenessAsked.get()).isGreaterThanOrEqualTo(4);
		assertThat(capture.isRunning()).isTrue();
		assertThat(capture.endedBecause()).isNull();
	}

	@Test
	void aStreamSrsNoLongerListsEndsAfterItsFirstFailedRead() {
		FakeSrsHttpFlv srs = srs(FakeSrsHttpFlv.Connection::holdUntilTheClientCloses);

		TapCapture capture = capture(noHeaders(settings(srs)), answering(Liveness.GONE));

		await().until(() -> !capture.isRunning());
		assertThat(capture.endedBecause()).isEqualTo("ended");
		assertThat(reads("no_headers")).isEqualTo(1);
		assertThat(srs.connections()).hasSize(1);
	}

	@Test
	void withoutAnAnswerFromSrsACaptureIsGivenUpAfterMaxFailuresInARow() {
		FakeSrsHttpFlv srs = srs(FakeSrsHttpFlv.Connection::holdUntilTheClientCloses);

		TapCapture capture = capture(noHeaders(settings(srs)).maxFailures(3), answering(Liveness.UNKNOWN));

		await().until(() -> !capture.isRunning());
		assertThat(capture.endedBecause()).isEqualTo("given_up");
		assertThat(reads("no_headers")).isEqualTo(3);
		assertThat(srs.connections()).hasSize(3);
		assertThat(logLines()).anyMatch(
				(line) -> line.startsWith("WARN Giving up the capture of sec*** after 3 failed reads in a row: "));
	}

	@Test
	void stopReturnsWithoutWaitingForTheCapturesThread() {
		FakeSrsHttpFlv srs = srs(FakeSrsHttpFlv.Connection::holdUntilTheClientCloses);
		CountDownLatch asking = new CountDownLatch(1);
		CountDownLatch answer = new CountDownLatch(1);
		// an answer from SRS that is slow to come and deaf to interrupts
		TapCapture capture = capture(noHeaders(settings(srs)), (ignored) -> {
			asking.countDown();
			awaitUninterruptibly(answer);
			return Liveness.LIVE;
		});
		await().until(() -> asking.getCount() == 0);

		CompletableFuture<Void> stopped = CompletableFuture.runAsync(capture::stop);

		await().until(stopped::isDone);
		assertThat(capture.isRunning()).as("its thread still waits for SRS's answer").isTrue();
		answer.countDown();
		await().until(() -> !capture.isRunning());
		assertThat(capture.endedBecause()).as("stopped, not ended").isNull();
		assertThat(srs.connections()).as("no connection after the stop").hasSize(1);
	}

	@Test
	void aStoppedCaptureClosesItsConnectionAndWritesNoMoreThumbnails() throws IOException {
		LiveFlvSource source = liveSource();
		String otherKey = "other" + UUID.randomUUID().toString().replace("-", "");
		source.publish("live", this.key);
		source.publish("live", otherKey);
		this.pool = pool(Duration.ofMillis(100));
		TapCapture capture = capture(settings(source), answering(Liveness.LIVE));
		TapCapture sentinel = capture(settings(source), answering(Liveness.LIVE), otherKey);
		await().until(() -> thumbnail(capture) != null && thumbnail(sentinel) != null);
		assertThat(source.readers("live", this.key)).isEqualTo(1);

		capture.stop();

		await().until(() -> source.readers("live", this.key) == 0);
		long written = this.files.writesOf(name(capture));
		Files.delete(this.files.file(name(capture)));
		// both streams send a keyframe every second; the pool's interval is shorter
		long sentinelWritten = this.files.writesOf(name(sentinel));
		await().until(() -> this.files.writesOf(name(sentinel)) >= sentinelWritten + 2);
		assertThat(this.files.writesOf(name(capture))).isEqualTo(written);
		assertThat(thumbnail(capture)).isNull();
		await().until(() -> !capture.isRunning());
		assertThat(source.requests("live", this.key)).isEqualTo(1);
	}

	@Test
	void manyCapturesStoppedAtOnceAllCloseTheirConnections() {
		LiveFlvSource source = liveSource();
		List<TapCapture> many = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			String stream = this.key + "-" + i;
			source.publish("live", stream);
			many.add(capture(settings(source), answering(Liveness.LIVE), stream));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> many.stream().allMatch((c) -> c.lastFrame() != null));
		assertThat(readers(source, many)).isEqualTo(50);

		// stop() does not wait for a capture's thread (see above): one loop stops them
		// all together
		many.forEach(TapCapture::stop);

		await().until(() -> readers(source, many) == 0);
		await().until(() -> many.stream().noneMatch(TapCapture::isRunning));
		assertThat(many).allSatisfy((c) -> assertThat(c.endedBecause()).isNull());
	}

	@Test
	void reportsAStallOnceAndTheStreamsResumeOnce() {
		LiveFlvSource source = liveSource();
		source.publish("live", this.key);
		TapCapture capture = capture(settings(source).stallTimeout(Duration.ofSeconds(1)), answering(Liveness.LIVE));
		await().until(() -> thumbnail(capture) != null);
		capture.watch(this.clock.instant());
		assertThat(this.stalls.events).isEmpty();

		source.stall("live", this.key, true);

		await().until(() -> {
			capture.watch(this.clock.instant());
			return !this.stalls.events.isEmpty();
		});
		Instant stalledAt = this.clock.instant();
		watchAFewTimes(capture);
		assertThat(this.stalls.events).singleElement()
			.satisfies((event) -> assertThat(event).startsWith("stalled " + capture.session().session().clientId()));
		assertThat(capture.stalled()).isTrue();

		this.clock.advance(Duration.ofMinutes(1));
		source.stall("live", this.key, false);

		await().until(() -> {
			capture.watch(this.clock.instant());
			return this.stalls.events.size() == 2;
		});
		watchAFewTimes(capture);
		assertThat(this.stalls.events).hasSize(2)
			.last()
			.isEqualTo("resumed " + capture.session().session().clientId() + " stalled at " + stalledAt);
		assertThat(capture.stalled()).isFalse();
		assertThat(logLines()).filteredOn((line) -> line.contains("stalled") || line.contains("resumed"))
			.hasSize(2)
			.satisfiesExactly((line) -> assertThat(line).startsWith("WARN sec*** stalled: no video for "),
					(line) -> assertThat(line).isEqualTo("INFO sec*** resumed: video again after a stall"));
	}

	@Test
	void neverLogsTheStreamKeyOrTheUrlsQueryInFull() {
		FakeSrsHttpFlv srs = srs((connection) -> {
			connection.srsHeaders();
			connection.chunk(new byte[] { 'X', 'Y', 'Z' }, 0, 3);
			connection.holdUntilTheClientCloses();
		});

		TapCapture capture = capture(settings(srs).inputUrl(srs.urlTemplate() + "?token=tok123secret").maxFailures(2),
				answering(Liveness.UNKNOWN));

		await().until(() -> !capture.isRunning());
		assertThat(srs.connections().get(0).request()).contains(this.key).contains("token=tok123secret");
		assertThat(logLines()).isNotEmpty()
			.anyMatch((line) -> line.contains("sec***"))
			.anyMatch((line) -> line.contains("token=***"))
			.noneMatch((line) -> line.contains(this.key) || line.contains("tok123secret"));
	}

	private TapCapture capture(TestCaptureSettings settings, Function<StreamCapture, Liveness> liveness) {
		return capture(settings, liveness, this.key);
	}

	private TapCapture capture(TestCaptureSettings settings, Function<StreamCapture, Liveness> liveness,
			String streamKey) {
		StreamPublished published = FixtureEvents.published(streamKey, "c1", this.clock.instant());
		CaptureJob job = new CaptureJob(published, new DeliveryChannel().channel(), 1, 0);
		Channel channel = new Channel(UUID.randomUUID(), StreamKey.of(streamKey), true, null);
		TapCapture capture = new TapCapture(channel, new Sessions(job), settings.build(), CLIENT, this.pool,
				this.metrics, this.stalls, liveness);
		this.captures.add(capture);
		capture.start();
		return capture;
	}

	private TestCaptureSettings settings(FakeSrsHttpFlv srs) {
		return TestCaptureSettings.in(this.directory)
			.inputUrl(srs.urlTemplate())
			.backoff(Duration.ofMillis(10), Duration.ofMillis(40));
	}

	private TestCaptureSettings settings(LiveFlvSource source) {
		return TestCaptureSettings.in(this.directory)
			.inputUrl(source.urlTemplate())
			.backoff(Duration.ofMillis(10), Duration.ofMillis(40));
	}

	/** A source that never answers: a stream SRS waits for. */
	private static TestCaptureSettings noHeaders(TestCaptureSettings settings) {
		return settings.headerTimeout(Duration.ofMillis(200));
	}

	private Function<StreamCapture, Liveness> answering(Liveness answer) {
		return (capture) -> {
			this.livenessAsked.incrementAndGet();
			return answer;
		};
	}

	private DecodePool pool(Duration interval) {
		DecodePool created = new DecodePool(1, interval, this.files, this.metrics, this.clock,
				() -> new KeyframeDecoder(320, 5));
		this.resources.add(created);
		return created;
	}

	private FakeSrsHttpFlv srs(FakeSrsHttpFlv.Script script) {
		FakeSrsHttpFlv srs = new FakeSrsHttpFlv(script);
		this.resources.add(srs);
		return srs;
	}

	private LiveFlvSource liveSource() {
		LiveFlvSource source = LiveFlvSource.testPattern();
		this.resources.add(source);
		return source;
	}

	private byte[] thumbnail(StreamCapture capture) {
		return this.files.read(name(capture));
	}

	private static String name(StreamCapture capture) {
		return capture.channel().publicName();
	}

	private static int readers(LiveFlvSource source, List<TapCapture> captures) {
		return captures.stream()
			.mapToInt((capture) -> source.readers("live", capture.channel().streamKey().value()))
			.sum();
	}

	private double reads(String outcome) {
		Counter counter = this.meters.find("thumbnail.reads").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double dropped(String reason) {
		Counter counter = this.meters.find("thumbnail.keyframes.dropped").tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private List<String> logLines() {
		return this.logs.stream().flatMap((captured) -> captured.lines().stream()).toList();
	}

	private void watchAFewTimes(TapCapture capture) {
		for (int i = 0; i < 5; i++) {
			capture.watch(this.clock.instant());
		}
	}

	private static byte[] thumbnailOf(Keyframe keyframe) throws KeyframeDecodeException {
		try (KeyframeDecoder decoder = new KeyframeDecoder(320, 5)) {
			return decoder.decode(keyframe.avcConfig(), keyframe.nalUnits());
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				latch.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A 1080p H.264 clip of two keyframes made with the system FFmpeg: the test pattern's
	 * first frame (small), then, a second later, a frame of heavy noise at a low
	 * quantizer (about 2 MB).
	 */
	private static byte[] bigKeyframeClip(Path directory) throws IOException, InterruptedException {
		Path flv = directory.resolve("big-keyframe.flv");
		Path log = directory.resolve("big-keyframe.log");
		Process ffmpeg = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
				"-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30,noise=alls=100:allf=t:enable='gte(t,1)'",
				"-frames:v", "31", "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-bf", "0", "-g",
				"30", "-qp", "24", "-pix_fmt", "yuv420p", "-f", "flv", flv.toString()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!ffmpeg.waitFor(60, TimeUnit.SECONDS)) {
			ffmpeg.destroyForcibly();
			throw new IllegalStateException("ffmpeg did not make " + flv + " within 60 s");
		}
		if (ffmpeg.exitValue() != 0) {
			throw new IllegalStateException("ffmpeg failed making " + flv + ": " + Files.readString(log));
		}
		return Files.readAllBytes(flv);
	}

	/** What the capture reported as stall and resume, one line each. */
	private static final class RecordingStalls implements StallReports {

		private final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void stalled(SrsSession session, Instant lastVideoAt) {
			this.events.add("stalled " + session.clientId() + " last video at " + lastVideoAt);
		}

		@Override
		public void resumed(SrsSession session, Instant stalledAt) {
			this.events.add("resumed " + session.clientId() + " stalled at " + stalledAt);
		}

	}

}
