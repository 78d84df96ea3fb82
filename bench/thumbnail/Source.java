import java.io.IOException;
import java.io.PrintWriter;
import java.io.FileWriter;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP-FLV source for the thumbnail benchmark that behaves like SRS 6's HTTP-FLV remux (http_remux, GOP cache
 * on; see test-fixtures/srs/http-flv/ and its README) for many streams at once, on one thread (NIO).
 * <p>
 * One FLV file (H.264 + AAC) is loaded into memory once and every stream is served from it, looped: stream i is
 * live from the source's start at its own offset into the file (golden-ratio staggered, so that no two streams
 * have their keyframes at the same moment), and its timestamps keep growing across loops. A reader of
 * {@code GET /<app>/<stream>.flv} gets SRS's response headers (chunked, {@code Connection: Close}), then at once the
 * FLV header, the metadata, the audio and video codec headers and the GOP cache (every tag from the stream's last
 * keyframe to its current position), then the stream in real time, written every {@code --write-ms} (SRS merges
 * writes to players too: {@code play { mw_latency 350; }} by default). Timestamps start at 0 for each reader, as
 * SRS's per-consumer jitter correction makes them. A reader that falls more than {@code --queue-seconds} behind is
 * moved on to the live position's last keyframe (SRS shrinks a player's queue likewise). A request for a stream
 * that is not publishing gets no response headers: it is held open until the stream is published, as SRS does.
 * When a stream is unpublished, its readers' responses end at once without the final chunk, as SRS's do.
 * <p>
 * Also served: {@code GET /api/v1/streams?start=&count=} (SRS's HTTP API, the publishing streams with their
 * publisher's client id), and for the harness {@code POST /bench/unpublish?stream=NAME},
 * {@code POST /bench/publish?stream=NAME} (a new publisher session, with a new client id) and
 * {@code POST /bench/set-live?ranges=0-99,200-219} (exactly these stream indexes live: the others are unpublished,
 * those that were not live are published). Every stream is live from the start.
 * <p>
 * Every reader is logged, one line per event, to {@code --log}: {@code join} when its response starts (with the
 * wall-clock and monotonic time its connection was accepted and the time the GOP burst was written), {@code wait}
 * for a request of a stream that is not publishing, {@code shrink} and {@code end}. Monotonic times are
 * {@link System#nanoTime()} in microseconds (CLOCK_MONOTONIC, as Python's {@code time.monotonic()}); wall-clock
 * times are epoch microseconds.
 *
 * <pre>
 * java Source.java --flv media.flv --port 19460 --streams 500 [--prefix bench-] [--app live] [--log FILE]
 *      [--write-ms 350] [--queue-seconds 30]
 * </pre>
 */
public class Source {

	static final byte[] FLV_HEADER = { 'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0 };

	static final String SERVER_ID = "vid-bench00";

	// ---- the media: tags of the file, timestamps relative to the first media tag

	static byte[] data;

	static int[] tagOffset, tagLength, tagTime; // offset of the tag header; length incl. header and PreviousTagSize

	static boolean[] tagKey; // video keyframe

	static int[] keyIndex; // indexes of the keyframe tags, in order

	static int tagCount;

	static long loopMs;

	static byte[] joinPrefix; // FLV header, metadata, audio and video codec headers, all at timestamp 0

	static int maxTag;

	// ---- settings

	static int writeMs = 350;

	static long queueMs = 30_000;

	static String app = "live";

	static PrintWriter log;

	static long startNanos;

	static final Map<String, Stream> streams = new HashMap<>();

	static final List<Stream> ordered = new ArrayList<>();

	static final Set<Conn> readers = new LinkedHashSet<>();

	static long nextConnId = 1;

	static final class Stream {

		final String name;

		final int index;

		final long offsetMs;

		boolean publishing = true;

		int generation = 1;

		final Set<Conn> readers = new LinkedHashSet<>();

		final List<Conn> waiting = new ArrayList<>();

		Stream(String name, int index, long offsetMs) {
			this.name = name;
			this.index = index;
			this.offsetMs = offsetMs;
		}

		/** The stream's media time now, in ms since its (virtual) first frame. */
		long mediaNow(long nanos) {
			return (nanos - startNanos) / 1_000_000 + this.offsetMs;
		}

		String clientId() {
			return String.format("c%05dg%d", this.index, this.generation);
		}

	}

	static final class Conn {

		final long id = nextConnId++;

		final SocketChannel channel;

		final long acceptedNanos = System.nanoTime();

		final long acceptedWallMicros = wallMicros();

		final ByteBuffer request = ByteBuffer.allocate(8192);

		ByteBuffer out; // pending output, in write mode after flip

		Stream stream;

		long loop; // loop of the next tag

		int next; // index of the next tag

		long base; // absolute media ms of the joining keyframe: timestamp 0 for this reader

		long bytes;

		boolean streaming;

		boolean closeWhenWritten; // an answer of the API or the harness, not a stream

		Conn(SocketChannel channel) {
			this.channel = channel;
		}

		long nextAbsMs() {
			return this.loop * loopMs + tagTime[this.next];
		}

	}

	public static void main(String[] args) throws IOException {
		Map<String, String> opts = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		load(Path.of(opts.get("flv")));
		int port = Integer.parseInt(opts.getOrDefault("port", "19460"));
		int count = Integer.parseInt(opts.getOrDefault("streams", "500"));
		String prefix = opts.getOrDefault("prefix", "bench-");
		app = opts.getOrDefault("app", "live");
		writeMs = Integer.parseInt(opts.getOrDefault("write-ms", "350"));
		queueMs = Long.parseLong(opts.getOrDefault("queue-seconds", "30")) * 1000;
		log = new PrintWriter(new FileWriter(opts.getOrDefault("log", "/dev/stdout"), StandardCharsets.UTF_8), true);
		double golden = (Math.sqrt(5) - 1) / 2;
		for (int i = 0; i < count; i++) {
			String name = String.format("%s%04d", prefix, i);
			Stream s = new Stream(name, i, (long) (((i * golden) % 1.0) * loopMs));
			streams.put(name, s);
			ordered.add(s);
		}
		startNanos = System.nanoTime();
		Selector selector = Selector.open();
		ServerSocketChannel server = ServerSocketChannel.open();
		server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
		server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
		server.configureBlocking(false);
		server.register(selector, SelectionKey.OP_ACCEPT);
		System.out.printf("listening on 127.0.0.1:%d: %d streams %s0000.., app %s, loop %d ms, %d tags, "
				+ "%d keyframes, largest tag %d bytes, writes every %d ms%n", port, count, prefix, app, loopMs, tagCount,
				keyIndex.length, maxTag, writeMs);
		System.out.flush();
		long nextTick = System.nanoTime();
		while (true) {
			long wait = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000);
			selector.select(wait);
			Iterator<SelectionKey> it = selector.selectedKeys().iterator();
			while (it.hasNext()) {
				SelectionKey key = it.next();
				it.remove();
				try {
					if (!key.isValid()) {
						continue;
					}
					if (key.isAcceptable()) {
						accept(server, selector);
						continue;
					}
					Conn c = (Conn) key.attachment();
					if (key.isReadable()) {
						read(c, key);
					}
					if (key.isValid() && key.isWritable()) {
						flush(c, key);
					}
				}
				catch (IOException | RuntimeException ex) {
					Object a = key.attachment();
					if (a instanceof Conn c) {
						close(c, "error " + ex.getClass().getSimpleName());
					}
				}
			}
			if (System.nanoTime() - nextTick >= 0) {
				nextTick += writeMs * 1_000_000L;
				if (System.nanoTime() - nextTick > 0) {
					nextTick = System.nanoTime() + writeMs * 1_000_000L;
				}
				tick(selector);
			}
		}
	}

	static void load(Path file) throws IOException {
		data = Files.readAllBytes(file);
		if (data.length < 13 || data[0] != 'F' || data[1] != 'L' || data[2] != 'V') {
			throw new IOException(file + " is not an FLV file");
		}
		int pos = 9 + 4;
		List<int[]> media = new ArrayList<>();
		byte[] meta = null, audioHeader = null, videoHeader = null;
		int firstTs = -1;
		while (pos + 11 <= data.length) {
			int type = data[pos] & 0x1f;
			int size = u24(pos + 1);
			int ts = u24(pos + 4) | ((data[pos + 7] & 0xff) << 24);
			int len = 11 + size + 4;
			if (pos + len > data.length) {
				break;
			}
			int body = pos + 11;
			if (type == 18) {
				meta = (meta == null) ? java.util.Arrays.copyOfRange(data, pos, pos + len) : meta;
			}
			else if (type == 8 && size >= 2 && (data[body] & 0xf0) == 0xa0 && data[body + 1] == 0) {
				audioHeader = java.util.Arrays.copyOfRange(data, pos, pos + len);
			}
			else if (type == 9 && size >= 2 && (data[body] & 0x0f) == 7 && data[body + 1] == 0) {
				videoHeader = java.util.Arrays.copyOfRange(data, pos, pos + len);
			}
			else if (type == 9 && size >= 2 && (data[body] & 0x0f) == 7 && data[body + 1] == 2) {
				// AVC end of sequence: left out, the loop goes on
			}
			else if (type == 8 || type == 9) {
				if (firstTs < 0) {
					firstTs = ts;
				}
				boolean key = type == 9 && (data[body] & 0xf0) == 0x10;
				media.add(new int[] { pos, len, ts - firstTs, key ? 1 : 0, type });
			}
			pos += len;
		}
		if (videoHeader == null || media.isEmpty()) {
			throw new IOException(file + " has no H.264 video");
		}
		int lastVideo = 0, prevVideo = -1, frameMs = 33;
		for (int[] t : media) {
			if (t[4] == 9) {
				if (prevVideo >= 0 && t[2] > prevVideo) {
					frameMs = t[2] - prevVideo;
				}
				prevVideo = t[2];
				lastVideo = t[2];
			}
		}
		loopMs = lastVideo + frameMs;
		media.removeIf(t -> t[2] >= loopMs);
		int firstKey = -1;
		for (int i = 0; i < media.size(); i++) {
			if (media.get(i)[3] == 1) {
				firstKey = i;
				break;
			}
		}
		if (firstKey < 0) {
			throw new IOException(file + " has no keyframe");
		}
		tagCount = media.size();
		tagOffset = new int[tagCount];
		tagLength = new int[tagCount];
		tagTime = new int[tagCount];
		tagKey = new boolean[tagCount];
		List<Integer> keys = new ArrayList<>();
		for (int i = 0; i < tagCount; i++) {
			int[] t = media.get(i);
			tagOffset[i] = t[0];
			tagLength[i] = t[1];
			tagTime[i] = t[2];
			tagKey[i] = t[3] == 1;
			maxTag = Math.max(maxTag, t[1]);
			if (tagKey[i]) {
				keys.add(i);
			}
		}
		keyIndex = keys.stream().mapToInt(Integer::intValue).toArray();
		if (meta != null) {
			// a live stream has no duration or size (a live publisher writes 0, SRS leaves the duration out)
			zeroNumber(meta, "duration");
			zeroNumber(meta, "filesize");
		}
		ByteBuffer prefix = ByteBuffer.allocate(FLV_HEADER.length + (meta == null ? 0 : meta.length)
				+ (audioHeader == null ? 0 : audioHeader.length) + videoHeader.length);
		prefix.put(FLV_HEADER);
		for (byte[] tag : new byte[][] { meta, audioHeader, videoHeader }) {
			if (tag != null) {
				tag[4] = tag[5] = tag[6] = tag[7] = 0;
				prefix.put(tag);
			}
		}
		joinPrefix = prefix.array();
	}

	/** Sets the AMF0 number property {@code name} of a script tag to 0, if it has one. */
	static void zeroNumber(byte[] tag, String name) {
		byte[] key = new byte[name.length() + 3];
		key[1] = (byte) name.length();
		System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, key, 2, name.length());
		key[key.length - 1] = 0; // AMF0 number marker
		outer: for (int i = 0; i + key.length + 8 <= tag.length; i++) {
			for (int j = 0; j < key.length; j++) {
				if (tag[i + j] != key[j]) {
					continue outer;
				}
			}
			java.util.Arrays.fill(tag, i + key.length, i + key.length + 8, (byte) 0);
			return;
		}
	}

	static int u24(int p) {
		return ((data[p] & 0xff) << 16) | ((data[p + 1] & 0xff) << 8) | (data[p + 2] & 0xff);
	}

	static long wallMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
	}

	static void accept(ServerSocketChannel server, Selector selector) throws IOException {
		SocketChannel ch;
		while ((ch = server.accept()) != null) {
			ch.configureBlocking(false);
			ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
			Conn c = new Conn(ch);
			ch.register(selector, SelectionKey.OP_READ, c);
		}
	}

	static void read(Conn c, SelectionKey key) throws IOException {
		if (c.request == null || !c.request.hasRemaining()) {
			// request done (or too long): whatever else the reader sends is discarded
			ByteBuffer sink = ByteBuffer.allocate(4096);
			if (c.channel.read(sink) < 0) {
				close(c, "eof");
			}
			return;
		}
		int n = c.channel.read(c.request);
		if (n < 0) {
			close(c, "eof");
			return;
		}
		String head = new String(c.request.array(), 0, c.request.position(), StandardCharsets.ISO_8859_1);
		int end = head.indexOf("\r\n\r\n");
		if (end < 0) {
			if (!c.request.hasRemaining()) {
				close(c, "request too long");
			}
			return;
		}
		String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
		c.request.position(c.request.limit()); // done
		String method = line[0];
		String target = line.length > 1 ? line[1] : "/";
		String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
		Map<String, String> query = query(target);
		if (method.equals("GET") && path.startsWith("/" + app + "/") && path.endsWith(".flv")) {
			String name = path.substring(app.length() + 2, path.length() - 4);
			Stream s = streams.get(name);
			if (s == null || !s.publishing) {
				// SRS answers nothing and holds the request until a publisher comes
				log.printf("wait conn=%d stream=%s accepted_wall_us=%d accepted_mono_us=%d%n", c.id, name,
						c.acceptedWallMicros, c.acceptedNanos / 1000);
				if (s != null) {
					s.waiting.add(c);
					c.stream = s;
				}
				return;
			}
			join(c, s, key);
		}
		else if (method.equals("GET") && path.equals("/api/v1/streams")) {
			int start = Integer.parseInt(query.getOrDefault("start", "0"));
			int count = Integer.parseInt(query.getOrDefault("count", "10"));
			respond(c, key, "200 OK", "application/json", apiStreams(start, count));
		}
		else if (method.equals("POST") && path.equals("/bench/set-live")) {
			boolean[] live = new boolean[ordered.size()];
			for (String range : query.getOrDefault("ranges", "").split(",")) {
				if (!range.isEmpty()) {
					String[] ab = range.split("-");
					int a = Integer.parseInt(ab[0]), b = Integer.parseInt(ab[ab.length - 1]);
					for (int i = Math.max(0, a); i <= Math.min(b, live.length - 1); i++) {
						live[i] = true;
					}
				}
			}
			int count = 0;
			for (Stream s : ordered) {
				if (live[s.index]) {
					publish(s, key.selector());
					count++;
				}
				else if (s.publishing) {
					unpublish(s, key.selector());
				}
			}
			respond(c, key, "200 OK", "application/json", "{\"live\":" + count + "}\n");
		}
		else if (method.equals("POST") && (path.equals("/bench/unpublish") || path.equals("/bench/publish"))) {
			Stream s = streams.get(query.getOrDefault("stream", ""));
			if (s == null) {
				respond(c, key, "404 Not Found", "text/plain", "no such stream\n");
				return;
			}
			if (path.equals("/bench/unpublish")) {
				unpublish(s, key.selector());
			}
			else {
				publish(s, key.selector());
			}
			respond(c, key, "200 OK", "application/json",
					"{\"stream\":\"" + s.name + "\",\"publishing\":" + s.publishing + ",\"cid\":\"" + s.clientId()
							+ "\"}\n");
		}
		else {
			respond(c, key, "404 Not Found", "text/plain", "not found\n");
		}
	}

	static Map<String, String> query(String target) {
		Map<String, String> q = new HashMap<>();
		int i = target.indexOf('?');
		if (i >= 0) {
			for (String pair : target.substring(i + 1).split("&")) {
				int e = pair.indexOf('=');
				if (e > 0) {
					q.put(pair.substring(0, e), java.net.URLDecoder.decode(pair.substring(e + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return q;
	}

	static String apiStreams(int start, int count) {
		StringBuilder sb = new StringBuilder("{\"code\":0,\"server\":\"" + SERVER_ID
				+ "\",\"service\":\"bench0001\",\"pid\":\"" + ProcessHandle.current().pid() + "\",\"streams\":[");
		int seen = 0, added = 0;
		for (Stream s : ordered) {
			if (!s.publishing) {
				continue;
			}
			if (seen++ < start) {
				continue;
			}
			if (added == count) {
				break;
			}
			if (added++ > 0) {
				sb.append(',');
			}
			sb.append("{\"id\":\"vid-").append(String.format("%07d", s.index)).append("\",\"name\":\"").append(s.name)
				.append("\",\"vhost\":\"vid-bench\",\"app\":\"").append(app).append("\",\"url\":\"/").append(app)
				.append('/').append(s.name).append("\",\"clients\":").append(1 + s.readers.size())
				.append(",\"publish\":{\"active\":true,\"cid\":\"").append(s.clientId()).append("\"},")
				.append("\"video\":{\"codec\":\"H264\",\"profile\":\"High\",\"level\":\"4\",\"width\":1920,"
						+ "\"height\":1080},\"audio\":{\"codec\":\"AAC\",\"sample_rate\":48000,\"channel\":2,"
						+ "\"profile\":\"LC\"}}");
		}
		return sb.append("]}").toString();
	}

	static void respond(Conn c, SelectionKey key, String status, String type, String body) throws IOException {
		byte[] b = body.getBytes(StandardCharsets.UTF_8);
		String head = "HTTP/1.1 " + status + "\r\nConnection: Close\r\nContent-Type: " + type
				+ "\r\nServer: SRS/6.0.157(bench)\r\nContent-Length: " + b.length + "\r\n\r\n";
		ByteBuffer out = ByteBuffer.allocate(head.length() + b.length);
		out.put(head.getBytes(StandardCharsets.ISO_8859_1)).put(b).flip();
		c.out = out;
		c.closeWhenWritten = true;
		write(c, key);
		if (!c.out.hasRemaining()) {
			c.channel.close();
		}
	}

	static void join(Conn c, Stream s, SelectionKey key) throws IOException {
		long now = System.nanoTime();
		long media = s.mediaNow(now);
		long loop = media / loopMs;
		long pos = media % loopMs;
		int k = lastKeyAtOrBefore(pos);
		if (k < 0) {
			loop -= 1;
			k = keyIndex[keyIndex.length - 1];
		}
		c.stream = s;
		c.loop = loop;
		c.next = k;
		c.base = loop * loopMs + tagTime[k];
		c.streaming = true;
		s.readers.add(c);
		readers.add(c);
		c.out = ByteBuffer.allocateDirect(Math.max(256 * 1024, maxTag + 64));
		String head = "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Type: video/x-flv\r\n"
				+ "Server: SRS/6.0.157(bench)\r\nTransfer-Encoding: chunked\r\n\r\n";
		c.out.clear();
		c.out.put(head.getBytes(StandardCharsets.ISO_8859_1));
		c.out.put((Integer.toHexString(joinPrefix.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
		c.out.put(joinPrefix).put((byte) '\r').put((byte) '\n');
		fill(c, media);
		c.out.flip();
		write(c, key);
		long burstMs = media - c.base;
		log.printf("join conn=%d stream=%s cid=%s accepted_wall_us=%d accepted_mono_us=%d wall_us=%d mono_us=%d "
				+ "gop_ms=%d%n", c.id, s.name, s.clientId(), c.acceptedWallMicros, c.acceptedNanos / 1000, wallMicros(),
				System.nanoTime() / 1000, burstMs);
		// whatever is left of the burst goes out in the next chunks, without waiting for a tick
		if (!c.out.hasRemaining()) {
			send(c, key, now);
		}
	}

	static int lastKeyAtOrBefore(long pos) {
		int lo = 0, hi = keyIndex.length - 1, found = -1;
		while (lo <= hi) {
			int mid = (lo + hi) >>> 1;
			if (tagTime[keyIndex[mid]] <= pos) {
				found = keyIndex[mid];
				lo = mid + 1;
			}
			else {
				hi = mid - 1;
			}
		}
		return found;
	}

	/**
	 * Appends one chunk of the tags due by {@code media} (absolute media ms) to the connection's buffer, as many
	 * as fit; answers the bytes of tags added.
	 */
	static long fill(Conn c, long media) {
		int room = c.out.remaining() - 16;
		long loop = c.loop;
		int next = c.next;
		int bytes = 0;
		while (true) {
			long abs = loop * loopMs + tagTime[next];
			if (abs > media || bytes + tagLength[next] > room) {
				break;
			}
			bytes += tagLength[next];
			if (++next == tagCount) {
				next = 0;
				loop++;
			}
		}
		if (bytes == 0) {
			return 0;
		}
		c.out.put((Integer.toHexString(bytes) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
		while (c.loop != loop || c.next != next) {
			int i = c.next;
			int at = c.out.position();
			c.out.put(data, tagOffset[i], tagLength[i]);
			long ts = Math.max(0, c.loop * loopMs + tagTime[i] - c.base);
			c.out.put(at + 4, (byte) (ts >>> 16));
			c.out.put(at + 5, (byte) (ts >>> 8));
			c.out.put(at + 6, (byte) ts);
			c.out.put(at + 7, (byte) (ts >>> 24));
			if (++c.next == tagCount) {
				c.next = 0;
				c.loop++;
			}
		}
		c.out.put((byte) '\r').put((byte) '\n');
		return bytes;
	}

	static void write(Conn c, SelectionKey key) throws IOException {
		int n = c.channel.write(c.out);
		c.bytes += n;
		if (c.out.hasRemaining()) {
			key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
		}
		else {
			key.interestOps(SelectionKey.OP_READ);
		}
	}

	static void flush(Conn c, SelectionKey key) throws IOException {
		if (c.out != null && c.out.hasRemaining()) {
			write(c, key);
		}
		if (c.closeWhenWritten && !c.out.hasRemaining()) {
			c.channel.close();
			return;
		}
		if (c.out != null && !c.out.hasRemaining() && c.streaming) {
			send(c, key, System.nanoTime());
		}
	}

	/** Sends what is due to a reader whose previous write is done. */
	static void send(Conn c, SelectionKey key, long now) throws IOException {
		long media = c.stream.mediaNow(now);
		if (media - c.nextAbsMs() > queueMs) {
			long loop = media / loopMs;
			int k = lastKeyAtOrBefore(media % loopMs);
			if (k < 0) {
				loop -= 1;
				k = keyIndex[keyIndex.length - 1];
			}
			log.printf("shrink conn=%d stream=%s behind_ms=%d%n", c.id, c.stream.name, media - c.nextAbsMs());
			c.loop = loop;
			c.next = k;
		}
		// one chunk per buffer-full, as long as the socket takes them and tags are due
		while (c.nextAbsMs() <= media) {
			c.out.clear();
			fill(c, media);
			c.out.flip();
			write(c, key);
			if (c.out.hasRemaining()) {
				break;
			}
		}
	}

	static void tick(Selector selector) {
		long now = System.nanoTime();
		for (Conn c : new ArrayList<>(readers)) {
			SelectionKey key = c.channel.keyFor(selector);
			if (key == null || !key.isValid()) {
				close(c, "gone");
				continue;
			}
			if (c.out.hasRemaining()) {
				continue; // still writing: the reader is behind
			}
			try {
				send(c, key, now);
			}
			catch (IOException ex) {
				close(c, "error " + ex.getClass().getSimpleName());
			}
		}
	}

	static void unpublish(Stream s, Selector selector) {
		s.publishing = false;
		for (Conn c : new ArrayList<>(s.readers)) {
			close(c, "unpublished");
		}
	}

	static void publish(Stream s, Selector selector) throws IOException {
		if (s.publishing) {
			return;
		}
		s.publishing = true;
		s.generation++;
		for (Conn c : new ArrayList<>(s.waiting)) {
			s.waiting.remove(c);
			SelectionKey key = c.channel.keyFor(selector);
			if (key != null && key.isValid()) {
				join(c, s, key);
			}
		}
	}

	static void close(Conn c, String reason) {
		if (c.stream != null) {
			c.stream.readers.remove(c);
			c.stream.waiting.remove(c);
		}
		boolean wasReader = readers.remove(c);
		try {
			c.channel.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		if (wasReader) {
			c.streaming = false;
			log.printf("end conn=%d stream=%s reason=%s bytes=%d seconds=%.1f wall_us=%d mono_us=%d%n", c.id,
					c.stream.name, reason.replace(' ', '_'), c.bytes, (System.nanoTime() - c.acceptedNanos) / 1e9,
					wallMicros(), System.nanoTime() / 1000);
		}
	}

}
