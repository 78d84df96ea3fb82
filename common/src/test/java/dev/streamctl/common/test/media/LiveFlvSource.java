package dev.streamctl.common.test.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.media.FlvTags.Tag;
import org.jspecify.annotations.Nullable;

/**
 * A live HTTP-FLV server for many streams that behaves as SRS 6's {@code http_remux} with
 * its GOP cache does ({@code test-fixtures/srs/http-flv/}): a reader of a publishing
 * stream gets SRS's captured response headers, the FLV header, the metadata and codec
 * headers, the GOP from the last keyframe at once, then the stream in real time; a
 * request for a stream that is not publishing gets no headers until the stream starts
 * (SRS waits for a publisher); an unpublish ends every response of the stream at once,
 * without the final chunk. Each stream loops one FLV clip from its publish on, with its
 * timestamps running on. A stream can be stalled: its readers stay connected and get
 * nothing.
 */
public final class LiveFlvSource implements AutoCloseable {

	/** The response headers SRS 6 sent a reader, up to and including the empty line. */
	private static final byte[] SRS_HEADERS = readFixture("http-flv/srs_http_flv_headers.txt");

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private final ServerSocket server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final Clip clip;

	private final Map<String, Live> live = new ConcurrentHashMap<>();

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> connected = new ConcurrentHashMap<>();

	/** A source looping the given FLV file (H.264, with a keyframe in its first tags). */
	public LiveFlvSource(Path flv) {
		try {
			this.clip = new Clip(Files.readAllBytes(flv));
			this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.threads.execute(this::accept);
	}

	/**
	 * A source looping a clip made once per test run with the system FFmpeg: 2 s of the
	 * test pattern at 320x180, 30 fps, H.264 High with 2 B-frames and a keyframe every
	 * second, and AAC audio, as OBS would send it.
	 */
	public static LiveFlvSource testPattern() {
		return new LiveFlvSource(TestPattern.FILE);
	}

	/** The worker's input URL template for this source. */
	public String urlTemplate() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/{app}/{stream}.flv";
	}

	/** The stream starts now; readers waiting for it get it. */
	public void publish(String app, String stream) {
		this.live.put(app + "/" + stream, new Live(System.nanoTime()));
	}

	/** The stream ends: every response of it ends at once, without its final chunk. */
	public void unpublish(String app, String stream) {
		this.live.remove(app + "/" + stream);
	}

	/** The publisher stops sending (or starts again): its readers stay connected. */
	public void stall(String app, String stream, boolean stalled) {
		Live current = this.live.get(app + "/" + stream);
		if (current != null) {
			current.stalled = stalled;
		}
	}

	/** Connections of the stream open now. */
	public int readers(String app, String stream) {
		AtomicInteger count = this.connected.get(app + "/" + stream);
		return (count != null) ? count.get() : 0;
	}

	/** Requests for the stream accepted so far. */
	public int requests(String app, String stream) {
		AtomicInteger count = this.accepted.get(app + "/" + stream);
		return (count != null) ? count.get() : 0;
	}

	/** Requests for any stream accepted so far. */
	public int requests() {
		return this.accepted.values().stream().mapToInt(AtomicInteger::get).sum();
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		for (Socket socket : this.open) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
		this.threads.shutdownNow();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				socket.setTcpNoDelay(true);
				this.open.add(socket);
				this.threads.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		String stream = null;
		try (socket) {
			String path = requestPath(socket.getInputStream());
			stream = path.replaceFirst("^/", "").replaceFirst("\\.flv$", "");
			this.accepted.computeIfAbsent(stream, key -> new AtomicInteger()).incrementAndGet();
			this.connected.computeIfAbsent(stream, key -> new AtomicInteger()).incrementAndGet();
			Live session = awaitPublish(stream, socket);
			if (session != null) {
				play(socket.getOutputStream(), stream, session);
			}
		}
		catch (IOException ex) {
			// the reader went away, or the source closed
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.open.remove(socket);
			if (stream != null) {
				this.connected.get(stream).decrementAndGet();
			}
		}
	}

	/**
	 * Holds the request without an answer until the stream publishes; null when the
	 * client closed first.
	 */
	private @Nullable Live awaitPublish(String stream, Socket socket) throws IOException {
		socket.setSoTimeout(5);
		try {
			while (!socket.isClosed()) {
				Live session = this.live.get(stream);
				if (session != null) {
					return session;
				}
				try {
					if (socket.getInputStream().read() == -1) {
						return null;
					}
				}
				catch (SocketTimeoutException ex) {
					// still connected, still waiting
				}
			}
			return null;
		}
		finally {
			socket.setSoTimeout(0);
		}
	}

	private void play(OutputStream out, String stream, Live session) throws IOException, InterruptedException {
		out.write(SRS_HEADERS);
		ByteArrayOutputStream start = new ByteArrayOutputStream();
		start.write(this.clip.flv, 0, FlvTags.HEADER_AND_FIRST_PREVIOUS_TAG_SIZE);
		for (Tag header : this.clip.headers) {
			start.write(header.bytes());
		}
		chunk(out, start.toByteArray());
		long position = (System.nanoTime() - session.startNanos) / 1_000_000;
		long loop = position / this.clip.periodMillis;
		int index = this.clip.gopStart(position % this.clip.periodMillis);
		while (this.live.get(stream) == session) {
			Tag tag = this.clip.media.get(index);
			long timestamp = loop * this.clip.periodMillis + tag.timestamp();
			long due = session.startNanos + timestamp * 1_000_000;
			while (System.nanoTime() < due || session.stalled) {
				if (this.live.get(stream) != session) {
					return;
				}
				TimeUnit.NANOSECONDS.sleep(Math.min(POLL_NANOS, Math.max(1, due - System.nanoTime())));
			}
			if (!session.stalled) {
				chunk(out, retimed(tag, timestamp));
				index++;
				if (index == this.clip.media.size()) {
					index = 0;
					loop++;
				}
			}
		}
	}

	private static byte[] readFixture(String name) {
		try {
			return Files.readAllBytes(SrsFixtures.directory().resolve(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] retimed(Tag tag, long timestamp) {
		byte[] bytes = tag.bytes();
		bytes[4] = (byte) (timestamp >> 16);
		bytes[5] = (byte) (timestamp >> 8);
		bytes[6] = (byte) timestamp;
		bytes[7] = (byte) (timestamp >> 24);
		return bytes;
	}

	private static void chunk(OutputStream out, byte[] bytes) throws IOException {
		out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String requestPath(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			head.write(b);
			String text = head.toString(StandardCharsets.US_ASCII);
			if (text.endsWith("\r\n\r\n")) {
				String line = text.substring(0, text.indexOf("\r\n"));
				String target = line.split(" ")[1];
				int query = target.indexOf('?');
				return (query < 0) ? target : target.substring(0, query);
			}
		}
		throw new IOException("the client closed before the end of its request");
	}

	/** The clip of {@link #testPattern()}, made on first use. */
	private static final class TestPattern {

		private static final Path FILE = make();

		private static Path make() {
			try {
				Path directory = Files.createTempDirectory("live-flv-source");
				Path flv = directory.resolve("pattern.flv");
				Path log = directory.resolve("ffmpeg.log");
				Process ffmpeg = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
						"-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i",
						"sine=frequency=440:sample_rate=48000", "-t", "2", "-c:v", "libx264", "-preset", "veryfast",
						"-profile:v", "high", "-bf", "2", "-g", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
						"-c:a", "aac", "-f", "flv", flv.toString()))
					.redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
				if (!ffmpeg.waitFor(60, TimeUnit.SECONDS) || ffmpeg.exitValue() != 0) {
					ffmpeg.destroyForcibly();
					throw new IllegalStateException("ffmpeg could not make the test clip: " + Files.readString(log));
				}
				return flv;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while making the test clip", ex);
			}
		}

	}

	/** A publishing stream: when it started, and whether it is stalled. */
	private static final class Live {

		private final long startNanos;

		private volatile boolean stalled;

		Live(long startNanos) {
			this.startNanos = startNanos;
		}

	}

	/** The looped file: its headers (metadata, codec headers) and its media tags. */
	private static final class Clip {

		private final byte[] flv;

		private final List<Tag> headers = new ArrayList<>();

		private final List<Tag> media = new ArrayList<>();

		private final long periodMillis;

		Clip(byte[] flv) {
			this.flv = flv;
			for (Tag tag : FlvTags.of(flv)) {
				boolean audioHeader = tag.isAudio() && tag.dataSize() > 1 && (flv[tag.offset() + 12] == 0);
				if (tag.type() == 18 || tag.isAvcSequenceHeader() || audioHeader) {
					this.headers.add(tag);
				}
				else {
					this.media.add(tag);
				}
			}
			if (this.media.stream().noneMatch(Tag::isAvcKeyframe)) {
				throw new IllegalArgumentException("the clip has no H.264 keyframe");
			}
			int last = this.media.get(this.media.size() - 1).timestamp();
			this.periodMillis = last + 34;
		}

		/** The media index of the last keyframe at or before {@code offsetMillis}. */
		int gopStart(long offsetMillis) {
			int start = 0;
			for (int i = 0; i < this.media.size(); i++) {
				Tag tag = this.media.get(i);
				if (tag.timestamp() > offsetMillis) {
					break;
				}
				if (tag.isAvcKeyframe()) {
					start = i;
				}
			}
			return start;
		}

	}

}
