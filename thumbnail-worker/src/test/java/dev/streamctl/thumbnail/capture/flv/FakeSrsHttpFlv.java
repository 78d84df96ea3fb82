package dev.streamctl.thumbnail.capture.flv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.streamctl.common.test.SrsFixtures;
import dev.streamctl.common.test.media.FlvTags;
import dev.streamctl.common.test.media.FlvTags.Tag;

/**
 * An HTTP-FLV source on a plain server socket that answers as SRS 6.0.157 did in
 * {@code test-fixtures/srs/http-flv/}: the captured response headers byte for byte
 * (chunked, {@code Connection: Close}), the body in chunks, and the ways SRS behaves that
 * a reader must survive: no headers at all for a stream that is not publishing, and a
 * body that ends without its final chunk. Each connection runs the {@link Script} given;
 * what the client did is recorded on its {@link Connection}.
 */
public final class FakeSrsHttpFlv implements AutoCloseable {

	/** The response headers SRS sent, up to and including the empty line. */
	public static final byte[] SRS_HEADERS = readFixture("http-flv/srs_http_flv_headers.txt");

	/** What one connection is answered. */
	@FunctionalInterface
	public interface Script {

		void serve(Connection connection) throws IOException;

	}

	private final ServerSocket server;

	private final Script script;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	public FakeSrsHttpFlv(Script script) {
		this.script = script;
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.threads.execute(this::accept);
	}

	public URI url(String app, String stream) {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort() + "/" + app + "/" + stream + ".flv");
	}

	/** The worker's input URL template for this source. */
	public String urlTemplate() {
		return "http://127.0.0.1:" + this.server.getLocalPort() + "/{app}/{stream}.flv";
	}

	/** The connections accepted so far, in order. */
	public List<Connection> connections() {
		return List.copyOf(this.connections);
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Connection connection = new Connection(this.server.accept());
				this.connections.add(connection);
				this.threads.execute(() -> connection.run(this.script));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Connection connection : this.connections) {
			connection.socket.close();
		}
		this.threads.shutdownNow();
	}

	/** A 404 as an HTTP server sends it, with a body that names the stream. */
	public static Script notFound() {
		return (connection) -> {
			byte[] body = ("<html>no stream at " + connection.request() + "</html>").getBytes(StandardCharsets.UTF_8);
			connection.write(("HTTP/1.1 404 Not Found\r\nConnection: Close\r\nContent-Type: text/html\r\n"
					+ "Server: SRS/6.0.157(Hang)\r\nContent-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			connection.write(body);
			connection.holdUntilTheClientCloses();
		};
	}

	/**
	 * The tags of {@code flv} after its FLV header, each in a chunk of its own, due at
	 * its timestamp after the first byte when {@code paced}; the header and the first
	 * PreviousTagSize go at once.
	 */
	public static void sendPaced(Connection connection, byte[] flv, boolean paced) throws IOException {
		long start = System.nanoTime();
		connection.chunk(flv, 0, FlvTags.HEADER_AND_FIRST_PREVIOUS_TAG_SIZE);
		for (Tag tag : FlvTags.of(flv)) {
			if (paced) {
				long due = start + TimeUnit.MILLISECONDS.toNanos(tag.timestamp());
				// The source keeps real time; the tests wait on what the reader sees.
				while (System.nanoTime() < due) {
					LockSupport.parkNanos(due - System.nanoTime());
				}
			}
			connection.chunk(flv, tag.offset(), tag.end() - tag.offset());
		}
		int sent = FlvTags.of(flv).stream().mapToInt(Tag::end).max().orElse(13);
		if (sent < flv.length) {
			connection.chunk(flv, sent, flv.length - sent);
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

	/** One accepted connection. */
	public static final class Connection {

		private final Socket socket;

		private final CompletableFuture<String> request = new CompletableFuture<>();

		private final CompletableFuture<Void> closedByClient = new CompletableFuture<>();

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			// Each chunk leaves at once, as from a live source, not held back by Nagle's
			// algorithm until the reader acknowledges the one before.
			socket.setTcpNoDelay(true);
		}

		private void run(Script script) {
			try (Socket open = this.socket) {
				this.request.complete(readRequest(open.getInputStream()));
				script.serve(this);
			}
			catch (IOException ex) {
				// The client went away while the script wrote.
				this.closedByClient.complete(null);
			}
		}

		/** The request line, e.g. {@code GET /live/key.flv HTTP/1.1}, once it arrived. */
		public CompletableFuture<String> requestLine() {
			return this.request;
		}

		public String request() {
			return this.request.join();
		}

		/** Completes when the client closed its end of the connection. */
		public CompletableFuture<Void> closedByClient() {
			return this.closedByClient;
		}

		public void write(byte[] bytes) throws IOException {
			OutputStream out = this.socket.getOutputStream();
			out.write(bytes);
			out.flush();
		}

		public void srsHeaders() throws IOException {
			write(SRS_HEADERS);
		}

		/** One chunk of the chunked transfer coding. */
		public void chunk(byte[] bytes, int offset, int length) throws IOException {
			ByteArrayOutputStream chunk = new ByteArrayOutputStream(length + 16);
			chunk.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
			chunk.write(bytes, offset, length);
			chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
			write(chunk.toByteArray());
		}

		/** The last, empty chunk, which SRS does not send when the publisher stops. */
		public void finalChunk() throws IOException {
			write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		}

		/** Sends nothing more and waits until the client closes its end. */
		public void holdUntilTheClientCloses() throws IOException {
			InputStream in = this.socket.getInputStream();
			while (in.read() != -1) {
				// A client sends nothing more after its request; drain whatever comes.
			}
			this.closedByClient.complete(null);
		}

		private String readRequest(InputStream in) throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int b;
			while ((b = in.read()) != -1) {
				head.write(b);
				String text = head.toString(StandardCharsets.US_ASCII);
				if (text.endsWith("\r\n\r\n")) {
					return text.substring(0, text.indexOf("\r\n"));
				}
			}
			throw new IOException("the client closed before the end of its request");
		}

	}

}
