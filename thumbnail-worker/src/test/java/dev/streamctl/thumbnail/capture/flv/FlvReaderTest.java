package dev.streamctl.thumbnail.capture.flv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.thumbnail.capture.flv.FakeSrsHttpFlv.Connection;
import dev.streamctl.thumbnail.capture.flv.FlvReadOutcome.Reason;
import dev.streamctl.common.test.media.FlvTags;
import dev.streamctl.common.test.media.FlvTags.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP-FLV reader against a source that answers as SRS 6 did ({@link FakeSrsHttpFlv},
 * on the real join in {@code test-fixtures/srs/http-flv/}).
 */
class FlvReaderTest {

	private static final String KEY = "secretKey123";

	private static final Duration PROMPTLY = Duration.ofSeconds(5);

	private static final byte[] JOIN = FlvTags.srsJoin();

	private static final List<Tag> TAGS = FlvTags.of(JOIN);

	private static final List<Tag> KEYFRAMES = TAGS.stream().filter(Tag::isAvcKeyframe).toList();

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final ExecutorService READERS = Executors.newCachedThreadPool();

	private final Logger readerLogger = (Logger) LoggerFactory.getLogger(FlvReader.class);

	private final RecordingListener listener = new RecordingListener();

	private final List<FlvReadOutcome> outcomes = new ArrayList<>();

	private FakeSrsHttpFlv srs;

	private CapturedLogs logs;

	@BeforeEach
	void captureLogs() {
		this.readerLogger.setLevel(Level.DEBUG);
		this.logs = CapturedLogs.of(FlvReader.class);
	}

	@AfterEach
	void theStreamKeyWasNeverShownWhole() throws IOException {
		try {
			assertThat(this.logs.lines()).noneMatch((line) -> line.contains(KEY));
			assertThat(this.outcomes).extracting(FlvReadOutcome::toString).noneMatch((text) -> text.contains(KEY));
		}
		finally {
			this.logs.close();
			this.readerLogger.setLevel(null);
			if (this.srs != null) {
				this.srs.close();
			}
		}
	}

	@AfterAll
	static void stopReaders() {
		READERS.shutdownNow();
	}

	@Test
	void getsTheKeyframesOfARealJoinPacedInRealTimeUntilThePublisherStops() {
		serve((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, JOIN, true);
		});
		CompletableFuture<Long> firstKeyframeNanos = new CompletableFuture<>();
		FlvTap.Listener timed = new FlvTap.Listener() {
			@Override
			public void keyframe(Keyframe keyframe) {
				firstKeyframeNanos.complete(System.nanoTime());
				FlvReaderTest.this.listener.keyframe(keyframe);
			}
		};
		FlvReader reader = new FlvReader(CLIENT, this.srs.url("live", KEY), StreamKey.of(KEY),
				settings(Duration.ofSeconds(1), Duration.ofSeconds(1)), timed);
		long start = System.nanoTime();

		CompletableFuture<FlvReadOutcome> read = read(reader);

		await().atMost(PROMPTLY).until(firstKeyframeNanos::isDone);
		long firstKeyframeMillis = TimeUnit.NANOSECONDS.toMillis(firstKeyframeNanos.join() - start);
		System.out.println("First keyframe of the paced SRS join " + firstKeyframeMillis + " ms after the request");
		assertThat(firstKeyframeMillis).as("time to the first keyframe, in ms").isLessThan(5000);
		FlvReadOutcome outcome = outcomeOf(read, Duration.ofSeconds(20));
		assertThat(outcome.reason()).isEqualTo(Reason.ENDED);
		assertThat(outcome.detail()).contains("broke off");
		assertThat(this.listener.keyframes).extracting(Keyframe::presentationTimeMillis)
			.containsExactly(77, 2077, 4077, 6077);
		assertThat(reader.keyframe()).isNotNull().extracting(Keyframe::sequence).isEqualTo(4L);
		assertThat(reader.bytesRead()).isEqualTo(JOIN.length);
		assertThat(reader.lastVideoTagNanos()).isPresent();
	}

	@Test
	void aBodyEndingWithoutItsFinalChunkEndsTheReadAndKeepsTheLastCompleteKeyframe() {
		byte[] cut = Arrays.copyOf(JOIN, KEYFRAMES.get(3).offset() + 1000);
		serve((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, cut, false);
		});
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome.reason()).isEqualTo(Reason.ENDED);
		assertThat(reader.keyframe()).isNotNull().extracting(Keyframe::presentationTimeMillis).isEqualTo(4077);
		assertThat(reader.bytesRead()).isEqualTo(cut.length);
	}

	@Test
	void aBodyWithItsFinalChunkEndsTheReadToo() {
		serve((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, JOIN, false);
			connection.finalChunk();
			connection.holdUntilTheClientCloses();
		});
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome).isEqualTo(new FlvReadOutcome(Reason.ENDED, "the response ended"));
		assertThat(reader.keyframe()).isNotNull().extracting(Keyframe::sequence).isEqualTo(4L);
	}

	@Test
	void abandonsARequestThatGetsNoHeadersAsSrsDoesForAStreamNotPublishing() {
		serve(Connection::holdUntilTheClientCloses);
		FlvReader reader = reader(settings(Duration.ofMillis(300), Duration.ofSeconds(5)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome.reason()).isEqualTo(Reason.NO_HEADERS);
		assertThat(outcome.detail()).contains("no response headers within 300 ms");
		assertThat(onlyConnection().request()).isEqualTo("GET /live/" + KEY + ".flv HTTP/1.1");
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void closesAResponseThatHasHeadersButNoVideo() {
		ByteArrayOutputStream audioOnly = new ByteArrayOutputStream();
		audioOnly.write(JOIN, 0, FlvTags.HEADER_AND_FIRST_PREVIOUS_TAG_SIZE);
		TAGS.stream().filter(Tag::isAudio).limit(20).forEach((tag) -> audioOnly.writeBytes(tag.bytes()));
		serve((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, audioOnly.toByteArray(), false);
			connection.holdUntilTheClientCloses();
		});
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofMillis(500)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome)
			.isEqualTo(new FlvReadOutcome(Reason.NO_VIDEO, "no video tag within 500 ms of the response headers"));
		assertThat(reader.bytesRead()).isEqualTo(audioOnly.size());
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void reportsANon200StatusWithoutItsBody() {
		serve(FakeSrsHttpFlv.notFound());
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome).isEqualTo(new FlvReadOutcome(Reason.HTTP_STATUS, "404"));
		assertThat(reader.bytesRead()).isZero();
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void aGarbageBodyIsReportedAsTheTapsFailure() {
		byte[] page = ("<html><body>Stream " + KEY + " is somewhere else</body></html>")
			.getBytes(StandardCharsets.UTF_8);
		serve((connection) -> {
			connection.srsHeaders();
			connection.chunk(page, 0, page.length);
			connection.holdUntilTheClientCloses();
		});
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome.reason()).isEqualTo(Reason.TAP_FAILED);
		assertThat(outcome.detail()).startsWith("not an FLV stream");
		assertThat(this.listener.failures).hasSize(1);
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void videoThatIsNotH264EndsTheReadWithItsCodec() {
		byte[] hevc = new FlvWriter().video(0, 0x1C, new byte[] { 0, 0, 0, 0, 1, 2, 3 }).toByteArray();
		serve((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, hevc, false);
			connection.holdUntilTheClientCloses();
		});
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome).isEqualTo(new FlvReadOutcome(Reason.UNSUPPORTED_CODEC, "codecid-12"));
		assertThat(this.listener.unsupportedCodecs).containsExactly("codecid-12");
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void closeDuringAReadEndsItPromptlyAndKeepsTheKeyframe() {
		serve((connection) -> {
			connection.srsHeaders();
			FakeSrsHttpFlv.sendPaced(connection, JOIN, false);
			connection.holdUntilTheClientCloses();
		});
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));
		CompletableFuture<FlvReadOutcome> read = read(reader);
		await().atMost(PROMPTLY).until(() -> reader.bytesRead() == JOIN.length);

		reader.close();

		assertThat(outcomeOf(read, PROMPTLY)).isEqualTo(new FlvReadOutcome(Reason.CLOSED, "closed by the caller"));
		assertThat(reader.keyframe()).isNotNull().extracting(Keyframe::sequence).isEqualTo(4L);
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void closeWhileWaitingForHeadersEndsTheWaitPromptly() {
		serve(Connection::holdUntilTheClientCloses);
		FlvReader reader = reader(settings(Duration.ofSeconds(60), Duration.ofSeconds(60)));
		CompletableFuture<FlvReadOutcome> read = read(reader);
		await().atMost(PROMPTLY)
			.until(() -> !this.srs.connections().isEmpty() && onlyConnection().requestLine().isDone());

		reader.close();

		assertThat(outcomeOf(read, PROMPTLY).reason()).isEqualTo(Reason.CLOSED);
		assertTheConnectionIsClosedPromptly();
	}

	@Test
	void aReaderClosedBeforeItsReadSendsNoRequest() {
		serve(Connection::holdUntilTheClientCloses);
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));
		reader.close();

		assertThat(outcomeOf(read(reader), PROMPTLY).reason()).isEqualTo(Reason.CLOSED);
		assertThat(this.srs.connections()).isEmpty();
		reader.close();
	}

	@Test
	void aSourceThatRefusesTheConnectionIsUnreachable() throws IOException {
		URI refused;
		try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			refused = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/live/" + KEY + ".flv");
		}
		FlvReader reader = new FlvReader(CLIENT, refused, StreamKey.of(KEY),
				settings(Duration.ofSeconds(5), Duration.ofSeconds(5)), this.listener);

		FlvReadOutcome outcome = outcomeOf(read(reader), PROMPTLY);

		assertThat(outcome.reason()).isEqualTo(Reason.UNREACHABLE);
		assertThat(outcome.detail()).contains("ConnectException");
	}

	@Test
	void showsTheUrlOnlyWithTheStreamKeyMasked() {
		serve(FakeSrsHttpFlv.notFound());
		URI url = URI.create(this.srs.url("live", KEY) + "?token=" + KEY + "&viewer=thumbnails");
		FlvReader reader = new FlvReader(CLIENT, url, StreamKey.of(KEY),
				settings(Duration.ofSeconds(5), Duration.ofSeconds(5)), this.listener);

		outcomeOf(read(reader), PROMPTLY);

		String masked = this.srs.url("live", "sec***") + "?token=***&viewer=***";
		assertThat(reader.label()).isEqualTo(masked);
		assertThat(reader).hasToString("FlvReader[" + masked + "]");
		assertThat(this.logs.all()).contains(masked);
	}

	@Test
	void readsOnlyOnce() {
		serve(FakeSrsHttpFlv.notFound());
		FlvReader reader = reader(settings(Duration.ofSeconds(5), Duration.ofSeconds(5)));
		outcomeOf(read(reader), PROMPTLY);

		assertThatIllegalStateException().isThrownBy(reader::read)
			.withMessageContaining("sec***")
			.withMessageNotContaining(KEY);
	}

	private void serve(FakeSrsHttpFlv.Script script) {
		this.srs = new FakeSrsHttpFlv(script);
	}

	private FlvReader reader(FlvReader.Settings settings) {
		return new FlvReader(CLIENT, this.srs.url("live", KEY), StreamKey.of(KEY), settings, this.listener);
	}

	private static FlvReader.Settings settings(Duration headerTimeout, Duration videoTimeout) {
		return new FlvReader.Settings(headerTimeout, videoTimeout, TapOutcome.DEFAULT_CAP);
	}

	private static CompletableFuture<FlvReadOutcome> read(FlvReader reader) {
		return CompletableFuture.supplyAsync(reader::read, READERS);
	}

	private FlvReadOutcome outcomeOf(CompletableFuture<FlvReadOutcome> read, Duration within) {
		await().atMost(within).until(read::isDone);
		FlvReadOutcome outcome = read.join();
		this.outcomes.add(outcome);
		return outcome;
	}

	private Connection onlyConnection() {
		assertThat(this.srs.connections()).hasSize(1);
		return this.srs.connections().get(0);
	}

	private void assertTheConnectionIsClosedPromptly() {
		Connection connection = onlyConnection();
		await().atMost(PROMPTLY).until(() -> connection.closedByClient().isDone());
	}

}
