package dev.streamctl.thumbnail.capture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.common.test.CapturedLogs;
import dev.streamctl.common.test.TestClock;
import dev.streamctl.common.test.media.FlvTags;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecoder;
import dev.streamctl.thumbnail.capture.flv.Keyframe;
import dev.streamctl.thumbnail.capture.flv.TestKeyframes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The shared decode pool on the real keyframes of SRS's HTTP-FLV join (1280x720), with
 * real decoders and a real thumbnail directory. Which thumbnail is made when is shown by
 * the order of the writes and by counts, never by how long something took: a single
 * decode thread is held at a stream's write while others queue, or caught in the middle
 * of a decode while the test holds the stream's lock.
 */
class DecodePoolTest {

	private static final Duration HOUR = Duration.ofHours(1);

	private static final int WIDTH = 320;

	private static List<Keyframe> join;

	@TempDir
	Path directory;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final CaptureMetrics metrics = new CaptureMetrics(this.meters);

	private final TestClock clock = new TestClock();

	private final List<DecodePool> pools = new ArrayList<>();

	private final List<Thread> decodeThreads = new CopyOnWriteArrayList<>();

	private RecordingFiles files;

	private CapturedLogs logs;

	@BeforeAll
	static void keyframes() {
		join = TestKeyframes.of(FlvTags.srsJoin());
		assertThat(join).hasSize(4);
	}

	@BeforeEach
	void setUp() {
		this.files = new RecordingFiles(TestCaptureSettings.in(this.directory).build());
		this.logs = CapturedLogs.of(DecodePool.class);
	}

	@AfterEach
	void tearDown() {
		this.pools.forEach(DecodePool::close);
		this.logs.close();
	}

	@Test
	void makesTheFirstThumbnailAsSoonAsTheFirstKeyframeArrivesAtTheConfiguredWidthKeepingTheAspect()
			throws IOException {
		DecodePool pool = pool(1, HOUR);
		DecodePool.Slot slot = pool.open(name('a'), key("a"));

		slot.offer(join.get(0));

		await().until(() -> this.files.read(name('a')) != null);
		BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(this.files.read(name('a'))));
		assertThat(thumbnail).as("a JPEG ImageIO reads").isNotNull();
		assertThat(thumbnail.getWidth()).isEqualTo(WIDTH);
		assertThat(thumbnail.getHeight()).as("1280x720 scaled to 320 wide").isEqualTo(180);
		assertThat(written()).isEqualTo(1);
		assertThat(this.meters.get("thumbnail.frames").counter().count()).isEqualTo(1);
		assertThat(slot.written()).isEqualTo(this.clock.instant());
		assertThat(this.directory.toFile().list()).as("no temporary file left").containsExactly(name('a') + ".jpg");
	}

	@Test
	void neverDecodesTheSameKeyframeTwice() {
		DecodePool pool = pool(1, Duration.ofMillis(50));
		DecodePool.Slot slot = pool.open(name('a'), key("a"));
		Keyframe keyframe = join.get(0);
		slot.offer(keyframe);
		await().until(() -> written() == 1);
		settled(slot);
		// the next interval came and found nothing newer
		await().until(() -> pool.queued() == 0);

		slot.offer(keyframe);
		// one thread: a stream offered now is served after whatever the first has due
		DecodePool.Slot sentinel = pool.open(name('b'), key("b"));
		sentinel.offer(join.get(1));

		await().until(() -> this.files.writesOf(name('b')) == 1);
		assertThat(this.files.writes()).containsExactly(name('a'), name('b'));
		assertThat(written()).isEqualTo(2);
	}

	@Test
	void aNewerKeyframeWaitsForTheIntervalAfterTheLastThumbnail() {
		DecodePool pool = pool(1, HOUR);
		DecodePool.Slot slot = pool.open(name('a'), key("a"));
		slot.offer(join.get(0));
		await().until(() -> written() == 1);
		byte[] first = this.files.read(name('a'));

		slot.offer(join.get(1));
		DecodePool.Slot sentinel = pool.open(name('b'), key("b"));
		sentinel.offer(join.get(2));

		await().until(() -> this.files.writesOf(name('b')) == 1);
		assertThat(this.files.writes()).containsExactly(name('a'), name('b'));
		assertThat(this.files.read(name('a'))).isEqualTo(first);
		assertThat(pool.queued()).as("both streams wait for their next interval").isEqualTo(2);
	}

	@Test
	void makesTheNewestKeyframeAtTheNextIntervalAndSkipsTheOnesBetween() throws Exception {
		DecodePool pool = pool(1, Duration.ofMillis(300));
		DecodePool.Slot slot = pool.open(name('a'), key("a"));
		slot.offer(join.get(0));
		await().until(() -> written() == 1);

		slot.offer(join.get(1));
		slot.offer(join.get(2));

		await().until(() -> written() == 2);
		assertThat(this.files.read(name('a'))).as("the thumbnail of the newest keyframe")
			.isEqualTo(thumbnailOf(join.get(2)));
		assertThat(thumbnailOf(join.get(1))).as("the keyframes differ").isNotEqualTo(thumbnailOf(join.get(2)));
	}

	@Test
	void whenThePoolIsBehindTheThumbnailDueFirstIsMadeFirst() {
		DecodePool pool = pool(1, Duration.ofSeconds(10));
		DecodePool.Slot waiting = pool.open(name('e'), key("e"));
		waiting.offer(join.get(0));
		await().until(() -> written() == 1);
		// due again only an interval after its thumbnail, though queued before the others
		waiting.offer(join.get(1));
		RecordingFiles.Gate gate = this.files.gate(name('f'));
		pool.open(name('f'), key("f")).offer(join.get(0));
		await().until(gate::holding);

		for (char stream : new char[] { 'c', 'a', 'd', 'b' }) {
			pool.open(name(stream), key(String.valueOf(stream))).offer(join.get(stream - 'a'));
		}
		gate.open();

		await().until(() -> this.files.writes().size() == 6);
		assertThat(this.files.writes()).containsExactly(name('e'), name('f'), name('c'), name('a'), name('d'),
				name('b'));
		assertThat(pool.queued()).as("every stream waits for its next interval").isEqualTo(6);
	}

	@Test
	void aKeyframeThatCannotBeDecodedIsCountedAndLoggedMaskedAndTheNextOneIsTriedAtOnce() {
		DecodePool pool = pool(1, HOUR);
		DecodePool.Slot slot = pool.open(name('a'), key("secretKey123"));

		slot.offer(TestKeyframes.garbled(join.get(0), 1));
		await().until(() -> count("decode_failed") == 1);
		slot.offer(TestKeyframes.garbled(join.get(1), 2));
		await().until(() -> count("decode_failed") == 2);
		slot.offer(join.get(2));

		await().until(() -> written() == 1);
		assertThat(this.files.writes()).containsExactly(name('a'));
		assertThat(this.logs.lines()).as("logged once per run of failures")
			.singleElement()
			.satisfies((line) -> assertThat(line).startsWith("WARN Could not decode a keyframe of sec***: ")
				.doesNotContain("secretKey123"));
	}

	@Test
	void aKeyframeThatArrivesDuringAFailingDecodeIsTriedAtOnce() {
		DecodePool pool = pool(1, HOUR);

		Caught caught = whileDecoding(pool, TestKeyframes.noise(join.get(0), 4 * 1024 * 1024, 1),
				(decoding) -> decoding.offer(join.get(1)));

		await().until(() -> written() == 1);
		assertThat(this.files.writes()).containsExactly(caught.publicName());
		assertThat(count("decode_failed")).isEqualTo(caught.attempt() + 1);
	}

	@Test
	void aClosedStreamWritesNothingEvenWhenItsDecodeWasInProgress() {
		DecodePool pool = pool(1, HOUR);

		DecodePool.Slot closed = whileDecoding(pool, join.get(0), DecodePool.Slot::close).slot();
		List<String> before = this.files.writes();
		closed.offer(join.get(1));
		DecodePool.Slot sentinel = pool.open(name('f'), key("f"));
		sentinel.offer(join.get(2));

		await().until(() -> this.files.writesOf(name('f')) == 1);
		assertThat(this.files.writes()).as("nothing of the closed stream").hasSize(before.size() + 1);
		assertThat(closed.written()).isNull();
	}

	@Test
	void reportsTheAgeOfTheOldestThumbnailOfTheOpenStreams() {
		DecodePool pool = pool(1, HOUR);
		assertThat(pool.oldestThumbnailAge()).isZero();
		DecodePool.Slot first = pool.open(name('a'), key("a"));
		first.offer(join.get(0));
		await().until(() -> written() == 1);
		this.clock.advance(Duration.ofSeconds(30));
		DecodePool.Slot second = pool.open(name('b'), key("b"));
		second.offer(join.get(1));
		await().until(() -> written() == 2);
		pool.open(name('c'), key("c"));
		this.clock.advance(Duration.ofSeconds(5));

		assertThat(pool.oldestThumbnailAge()).isEqualTo(Duration.ofSeconds(35));
		first.close();
		assertThat(pool.oldestThumbnailAge()).isEqualTo(Duration.ofSeconds(5));
		second.close();
		assertThat(pool.oldestThumbnailAge()).as("no open stream has a thumbnail").isZero();
	}

	@Test
	void aDecoderThatCannotBeMadeLeavesThePoolWithoutThreadsAndNothingFails() {
		DecodePool pool = pool(2, HOUR, () -> {
			throw new IllegalStateException("the native libraries do not load here");
		});
		await().until(() -> this.decodeThreads.size() == 2 && this.decodeThreads.stream().noneMatch(Thread::isAlive));

		DecodePool.Slot slot = pool.open(name('a'), key("a"));
		slot.offer(join.get(0));

		assertThat(pool.queued()).isEqualTo(1);
		assertThat(this.logs.lines()).containsExactly(
				"ERROR A thumbnail decode thread cannot start: the native libraries do not load here",
				"ERROR A thumbnail decode thread cannot start: the native libraries do not load here");
		pool.close();
		assertThat(this.files.writes()).isEmpty();
	}

	@Test
	void hasAtLeastOneThread() {
		assertThat(DecodePool.threadsFor(3)).isEqualTo(3);
		assertThat(DecodePool.threadsFor(0)).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DecodePool(0, HOUR, this.files, this.metrics, this.clock, this::decoder))
			.withMessage("a decode pool needs at least one thread, not 0");
	}

	private DecodePool pool(int threads, Duration interval) {
		return pool(threads, interval, this::decoder);
	}

	private DecodePool pool(int threads, Duration interval, Supplier<KeyframeDecoder> decoders) {
		DecodePool pool = new DecodePool(threads, interval, this.files, this.metrics, this.clock, () -> {
			this.decodeThreads.add(Thread.currentThread());
			return decoders.get();
		});
		this.pools.add(pool);
		return pool;
	}

	private KeyframeDecoder decoder() {
		return new KeyframeDecoder(WIDTH, 5);
	}

	/**
	 * Opens a stream, offers it {@code keyframe} and runs {@code action} on it while the
	 * pool's only thread decodes that keyframe, holding the stream's lock so that the
	 * decode cannot get on with the stream meanwhile (it takes that lock before and after
	 * decoding). A decode that ends before it is caught (the test thread was not
	 * scheduled in time) is tried again on a new stream.
	 */
	private Caught whileDecoding(DecodePool pool, Keyframe keyframe, Consumer<DecodePool.Slot> action) {
		await().until(() -> this.decodeThreads.size() == 1);
		Thread decodeThread = this.decodeThreads.get(0);
		for (int attempt = 0; attempt < 10; attempt++) {
			String publicName = name(Character.forDigit(attempt, 16));
			DecodePool.Slot slot = pool.open(publicName, key("k" + attempt));
			double endedBefore = count("decode_failed") + written();
			slot.offer(keyframe);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (count("decode_failed") + written() == endedBefore) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("the pool never decoded the keyframe");
				}
				synchronized (slot) {
					if (decoding(decodeThread)) {
						action.accept(slot);
						return new Caught(slot, publicName, attempt);
					}
				}
				Thread.onSpinWait();
			}
		}
		throw new AssertionError("no decode was caught in progress in 10 attempts");
	}

	/**
	 * Returns once the pool has finished changing the stream's state for now: it holds
	 * the stream's lock for every change (the written count is kept before the stream is
	 * queued for its next interval).
	 */
	private static void settled(DecodePool.Slot slot) {
		synchronized (slot) {
			assertThat(slot.written()).isNotNull();
		}
	}

	/** A stream caught while its keyframe was being decoded, at the given attempt. */
	private record Caught(DecodePool.Slot slot, String publicName, int attempt) {
	}

	/**
	 * Whether the thread decodes a keyframe, or waits to report its failure (while the
	 * test holds the stream's lock, that is where a failed decode stops).
	 */
	private static boolean decoding(Thread thread) {
		return Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> isMethod(frame, KeyframeDecoder.class, "decode")
					|| isMethod(frame, DecodePool.Slot.class, "failed"));
	}

	private static boolean isMethod(StackTraceElement frame, Class<?> type, String method) {
		return frame.getClassName().equals(type.getName()) && frame.getMethodName().equals(method);
	}

	private static byte[] thumbnailOf(Keyframe keyframe) throws KeyframeDecodeException {
		try (KeyframeDecoder decoder = new KeyframeDecoder(WIDTH, 5)) {
			return decoder.decode(keyframe.avcConfig(), keyframe.nalUnits());
		}
	}

	private double written() {
		return count("written");
	}

	private double count(String outcome) {
		Counter counter = this.meters.find("thumbnail.decodes").tag("outcome", outcome).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String name(char letter) {
		return String.valueOf(letter).repeat(32);
	}

	private static StreamKey key(String value) {
		return StreamKey.of(value);
	}

}
