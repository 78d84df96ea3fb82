package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The thumbnail directory, keeping the order in which thumbnails were written, and able
 * to hold one stream's write (and so the decode thread making it) until a test lets it
 * go.
 */
final class RecordingFiles extends ThumbnailFiles {

	private final List<String> writes = new CopyOnWriteArrayList<>();

	private volatile Gate gate;

	RecordingFiles(CaptureSettings settings) {
		super(settings);
	}

	@Override
	void write(String publicName, byte[] jpeg) throws IOException {
		this.writes.add(publicName);
		Gate held = this.gate;
		if (held != null && held.publicName.equals(publicName)) {
			held.hold();
		}
		super.write(publicName, jpeg);
	}

	/** The public names of the thumbnails written, in order, one entry per write. */
	List<String> writes() {
		return List.copyOf(this.writes);
	}

	/** How many thumbnails of one stream were written. */
	long writesOf(String publicName) {
		return this.writes.stream().filter(publicName::equals).count();
	}

	/** The thumbnail file's bytes, or null when there is none. */
	byte[] read(String publicName) {
		try {
			return Files.exists(file(publicName)) ? Files.readAllBytes(file(publicName)) : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The next write of {@code publicName} waits until the gate is opened. */
	Gate gate(String publicName) {
		Gate created = new Gate(publicName);
		this.gate = created;
		return created;
	}

	/** One held write. */
	static final class Gate {

		private final String publicName;

		private final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch opened = new CountDownLatch(1);

		private Gate(String publicName) {
			this.publicName = publicName;
		}

		/** Whether the write reached the gate and waits there. */
		boolean holding() {
			return this.entered.getCount() == 0 && this.opened.getCount() == 1;
		}

		void open() {
			this.opened.countDown();
		}

		private void hold() throws IOException {
			this.entered.countDown();
			try {
				if (!this.opened.await(30, TimeUnit.SECONDS)) {
					throw new IOException("the test never opened the gate");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted at the gate", ex);
			}
		}

	}

}
