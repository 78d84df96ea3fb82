package dev.streamctl.gateway.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A durable FIFO of encoded events on local disk: one file per event, named by a sequence
 * number and the event id. An entry is visible only once it is complete: it is written
 * beside its final name, forced to disk, renamed into place and the directory forced, so
 * a crash (SIGKILL, power loss) leaves either the whole entry or none. Entries found at
 * start-up are resumed in sequence order. It knows which streams have entries waiting, so
 * that only their later events need to queue behind them.
 *
 * <p>
 * Thread-safe: appends may run concurrently (each forces its own file);
 * {@link #oldest(int)} and {@link #remove(Entry)} are meant for a single drainer.
 */
class EventSpool {

	private static final String SUFFIX = ".json";

	private static final String PARTIAL = ".partial";

	private final Path directory;

	private final long maxBytes;

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong bytes = new AtomicLong();

	private final ConcurrentSkipListMap<Long, Entry> entries = new ConcurrentSkipListMap<>();

	private final Map<UUID, Entry> byEventId = new ConcurrentHashMap<>();

	private final Map<String, Integer> waitingByStream = new ConcurrentHashMap<>();

	private final Function<byte[], String> streamOf;

	/**
	 * @param streamOf the stream an encoded event belongs to, read back from entries
	 * found at start-up
	 */
	EventSpool(Path directory, long maxBytes, Function<byte[], String> streamOf) {
		this.directory = directory;
		this.maxBytes = maxBytes;
		this.streamOf = streamOf;
		try {
			Files.createDirectories(directory);
			resume();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot open the event spool in " + directory.toAbsolutePath(), ex);
		}
	}

	/**
	 * Stores an event durably.
	 * @throws SpoolFullException when the spool holds its configured size already
	 * @throws UncheckedIOException when the disk refuses the write
	 */
	void append(UUID eventId, String stream, byte[] body) {
		if (this.bytes.addAndGet(body.length) > this.maxBytes) {
			this.bytes.addAndGet(-body.length);
			throw new SpoolFullException(this.maxBytes);
		}
		long seq = this.sequence.incrementAndGet();
		Path target = this.directory.resolve(String.format("%019d.%s%s", seq, eventId, SUFFIX));
		Path partial = target.resolveSibling(target.getFileName() + PARTIAL);
		try {
			try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE)) {
				ByteBuffer buffer = ByteBuffer.wrap(body);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
			forceDirectory();
		}
		catch (IOException ex) {
			this.bytes.addAndGet(-body.length);
			deleteQuietly(partial);
			throw new UncheckedIOException("cannot write to the event spool in " + this.directory.toAbsolutePath(), ex);
		}
		add(new Entry(seq, eventId, stream, target, body.length));
	}

	/**
	 * Whether events of this stream wait here: its next events must queue behind them.
	 */
	boolean holds(String stream) {
		return this.waitingByStream.containsKey(stream);
	}

	/**
	 * Up to {@code max} of the oldest entries, oldest first, with their bodies read from
	 * disk.
	 */
	List<Entry> oldest(int max) {
		List<Entry> batch = new ArrayList<>(Math.min(max, this.entries.size()));
		for (Entry entry : this.entries.values()) {
			if (batch.size() == max) {
				break;
			}
			batch.add(entry);
		}
		return batch;
	}

	byte[] read(Entry entry) {
		try {
			return Files.readAllBytes(entry.file());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read spooled event " + entry.eventId(), ex);
		}
	}

	/** Forgets an entry that reached the broker. Removing an entry twice is harmless. */
	void remove(Entry entry) {
		if (forget(entry)) {
			deleteQuietly(entry.file());
		}
	}

	/**
	 * Takes an unreadable entry out of the queue, keeping its file aside for an operator.
	 */
	Path quarantine(EventSpool.Entry entry) {
		Path aside = entry.file().resolveSibling(entry.file().getFileName() + ".corrupt");
		try {
			Files.move(entry.file(), aside, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot set aside spooled file " + entry.file(), ex);
		}
		forget(entry);
		return aside;
	}

	/**
	 * Forgets the entry of an event the broker confirmed after all, if it is still here.
	 */
	void remove(UUID eventId) {
		Entry entry = this.byEventId.get(eventId);
		if (entry != null) {
			remove(entry);
		}
	}

	boolean isEmpty() {
		return this.entries.isEmpty();
	}

	int depth() {
		return this.entries.size();
	}

	long bytes() {
		return this.bytes.get();
	}

	boolean isWritable() {
		return Files.isDirectory(this.directory) && Files.isWritable(this.directory)
				&& this.bytes.get() < this.maxBytes;
	}

	Path directory() {
		return this.directory;
	}

	private void resume() throws IOException {
		try (Stream<Path> files = Files.list(this.directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				String name = file.getFileName().toString();
				if (name.endsWith(PARTIAL)) {
					deleteQuietly(file);
				}
				else if (name.endsWith(SUFFIX)) {
					String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("\\.", -1);
					Entry entry = new Entry(Long.parseLong(parts[0]), UUID.fromString(parts[1]), streamOf(file), file,
							Files.size(file));
					add(entry);
					this.bytes.addAndGet(entry.size());
				}
			}
		}
		if (!this.entries.isEmpty()) {
			this.sequence.set(this.entries.lastKey());
		}
	}

	private void add(Entry entry) {
		this.entries.put(entry.sequence(), entry);
		this.byEventId.put(entry.eventId(), entry);
		this.waitingByStream.merge(entry.stream(), 1, Integer::sum);
	}

	private boolean forget(Entry entry) {
		if (!this.entries.remove(entry.sequence(), entry)) {
			return false;
		}
		this.byEventId.remove(entry.eventId(), entry);
		this.bytes.addAndGet(-entry.size());
		this.waitingByStream.computeIfPresent(entry.stream(), (stream, count) -> (count == 1) ? null : count - 1);
		return true;
	}

	/**
	 * The stream of an entry found at start-up; an unreadable one waits under its own
	 * name.
	 */
	private String streamOf(Path file) {
		try {
			return this.streamOf.apply(Files.readAllBytes(file));
		}
		catch (IOException | RuntimeException ex) {
			return file.getFileName().toString();
		}
	}

	private void forceDirectory() throws IOException {
		try (FileChannel dir = FileChannel.open(this.directory, StandardOpenOption.READ)) {
			dir.force(true);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// a leftover is found and resumed, or deleted as partial, at the next start
		}
	}

	/** One spooled event. */
	record Entry(long sequence, UUID eventId, String stream, Path file, long size) {
	}

}
