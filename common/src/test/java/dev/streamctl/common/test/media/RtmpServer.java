package dev.streamctl.common.test.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A real RTMP server standing in for SRS in tests: nginx with Debian's
 * {@code libnginx-mod-rtmp}, run in the foreground from a directory of its own on a free
 * port, serving {@code rtmp://127.0.0.1:PORT/live/<name>}. Unlike SRS it keeps no GOP
 * cache: a new reader waits for the next keyframe.
 */
public final class RtmpServer implements AutoCloseable {

	private static final String MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

	private final Process nginx;

	private final int port;

	public RtmpServer() {
		if (!Files.exists(Path.of(MODULE))) {
			throw new IllegalStateException(
					"nginx's RTMP module is missing: apt-get install nginx-light libnginx-mod-rtmp");
		}
		try {
			Path dir = Files.createTempDirectory("rtmp");
			this.port = freePort();
			Path conf = dir.resolve("nginx.conf");
			Files.writeString(conf, String.join("\n", "load_module " + MODULE + ";", "daemon off;",
					"master_process off;", "error_log " + dir.resolve("error.log") + ";",
					"pid " + dir.resolve("nginx.pid") + ";", "events { worker_connections 1024; }",
					"rtmp { server { listen 127.0.0.1:" + this.port + "; application live { live on; } } }", ""));
			this.nginx = new ProcessBuilder(List.of("nginx", "-c", conf.toString(), "-p", dir + "/"))
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("out.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start nginx: apt-get install nginx-light libnginx-mod-rtmp", ex);
		}
		await().atMost(Duration.ofSeconds(10)).until(this::answers);
	}

	/** The URL template of this server, as the thumbnail worker takes it. */
	public String urlTemplate() {
		return "rtmp://127.0.0.1:" + this.port + "/{app}/{stream}";
	}

	public String url(String app, String stream) {
		return "rtmp://127.0.0.1:" + this.port + "/" + app + "/" + stream;
	}

	private boolean answers() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		this.nginx.destroyForcibly();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
