package dev.streamctl.thumbnail.capture;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecodeException;
import dev.streamctl.thumbnail.capture.decode.KeyframeDecoder;
import dev.streamctl.thumbnail.capture.flv.Keyframe;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of decode threads, shared by every stream, that turn each stream's
 * newest keyframe into its thumbnail. A stream's first thumbnail is due as soon as its
 * first keyframe arrives, each later one an interval after the one before, and only when
 * a keyframe newer than the one already shown has arrived: a keyframe is never decoded
 * twice.
 * <p>
 * Due streams wait in one queue ordered by the time their thumbnail became due, so when
 * the pool is behind, the oldest thumbnail is made first and no stream starves. Each
 * thread keeps its own {@link KeyframeDecoder} (they are not thread-safe), made on the
 * thread; a decoder that cannot load stops the pool's threads, and readiness says why
 * ({@link CaptureHealth}).
 * <p>
 * Keyframes arrive on the readers' threads through {@link Slot#offer(Keyframe)}, which
 * only stores a reference and may enqueue: it never waits for a decode.
 */
final class DecodePool implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DecodePool.class);

	private final DelayQueue<Due> queue = new DelayQueue<>();

	private final Map<Slot, Boolean> slots = new ConcurrentHashMap<>();

	private final List<Thread> threads = new ArrayList<>();

	private final Duration interval;

	private final ThumbnailFiles files;

	private final CaptureMetrics metrics;

	private final Clock clock;

	private final Supplier<KeyframeDecoder> decoders;

	private volatile boolean closed;

	/**
	 * Starts the pool's threads.
	 * @param threads how many keyframes are decoded at once
	 * @param interval the time between two thumbnails of a stream
	 * @param decoders makes one decoder per thread, on that thread
	 */
	DecodePool(int threads, Duration interval, ThumbnailFiles files, CaptureMetrics metrics, Clock clock,
			Supplier<KeyframeDecoder> decoders) {
		if (threads < 1) {
			throw new IllegalArgumentException("a decode pool needs at least one thread, not " + threads);
		}
		this.interval = interval;
		this.files = files;
		this.metrics = metrics;
		this.clock = clock;
		this.decoders = decoders;
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(this::work, "thumbnail-decode-" + (i + 1));
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	/**
	 * The number of decode threads for a setting: the setting itself when positive, else
	 * half the cores this JVM may use (at least one).
	 */
	static int threadsFor(int setting) {
		return (setting > 0) ? setting : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
	}

	/**
	 * A stream's place in the pool, until {@link Slot#close()}.
	 * @param publicName the thumbnail's file name, without {@code .jpg}
	 * @param stream the stream key, for masked log lines
	 */
	Slot open(String publicName, StreamKey stream) {
		Slot slot = new Slot(publicName, stream);
		this.slots.put(slot, Boolean.TRUE);
		return slot;
	}

	/** The streams waiting for a decode thread now (due, or due later). */
	int queued() {
		return this.queue.size();
	}

	/** Age of the oldest thumbnail among the open slots that have one, or zero. */
	Duration oldestThumbnailAge() {
		Instant now = this.clock.instant();
		Duration oldest = Duration.ZERO;
		for (Slot slot : this.slots.keySet()) {
			Instant written = slot.written;
			if (written != null && Duration.between(written, now).compareTo(oldest) > 0) {
				oldest = Duration.between(written, now);
			}
		}
		return oldest;
	}

	/** Stops the threads (a decode in progress finishes) and frees their decoders. */
	@Override
	public void close() {
		this.closed = true;
		this.threads.forEach(Thread::interrupt);
		for (Thread thread : this.threads) {
			try {
				thread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void work() {
		KeyframeDecoder decoder;
		try {
			decoder = this.decoders.get();
		}
		catch (RuntimeException ex) {
			log.error("A thumbnail decode thread cannot start: {}", ex.getMessage());
			return;
		}
		try (decoder) {
			while (!this.closed) {
				Due due;
				try {
					due = this.queue.take();
				}
				catch (InterruptedException ex) {
					return;
				}
				due.slot.decode(decoder);
			}
		}
	}

	/** A stream's thumbnail, due at a time in the queue. */
	private static final class Due implements Delayed {

		private final Slot slot;

		private final long dueNanos;

		Due(Slot slot, long dueNanos) {
			this.slot = slot;
			this.dueNanos = dueNanos;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return (other instanceof Due due) ? Long.compare(this.dueNanos, due.dueNanos)
					: Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Due due && due.slot == this.slot && due.dueNanos == this.dueNanos;
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.dueNanos) * 31 + System.identityHashCode(this.slot);
		}

	}

	/**
	 * One stream in the pool. Its state changes under its own lock: at most one entry of
	 * it is queued or being decoded at a time, and once closed it writes nothing more.
	 */
	final class Slot implements AutoCloseable {

		private final String publicName;

		private final StreamKey stream;

		private @Nullable Keyframe latest;

		private @Nullable Keyframe shown;

		/** Queued or being decoded. */
		private boolean busy;

		private boolean closed;

		private volatile @Nullable Instant written;

		/** {@code System.nanoTime()} of the last thumbnail written. */
		private long writtenNanos;

		private boolean failing;

		private Slot(String publicName, StreamKey stream) {
			this.publicName = publicName;
			this.stream = stream;
		}

		/**
		 * A newer keyframe of the stream: its thumbnail is due now if the stream has none
		 * yet, else an interval after the last one.
		 */
		synchronized void offer(Keyframe keyframe) {
			if (this.closed) {
				return;
			}
			this.latest = keyframe;
			if (this.busy) {
				return;
			}
			enqueue(nextDue());
		}

		/** When this stream's last thumbnail was written, or null before the first. */
		@Nullable Instant written() {
			return this.written;
		}

		/**
		 * Leaves the pool: once this returns, no thumbnail of the stream is written any
		 * more (a decode in progress is discarded).
		 */
		@Override
		public synchronized void close() {
			this.closed = true;
			this.latest = null;
			DecodePool.this.slots.remove(this);
		}

		/**
		 * Now if the stream has no thumbnail yet, else an interval after the last one.
		 */
		private long nextDue() {
			long now = System.nanoTime();
			return (this.written == null) ? now : Math.max(now, this.writtenNanos + DecodePool.this.interval.toNanos());
		}

		private void enqueue(long dueNanos) {
			this.busy = true;
			DecodePool.this.queue.add(new Due(this, dueNanos));
		}

		private void decode(KeyframeDecoder decoder) {
			Keyframe keyframe;
			synchronized (this) {
				keyframe = this.latest;
				if (this.closed || keyframe == null || keyframe == this.shown) {
					this.busy = false;
					return;
				}
			}
			byte[] jpeg;
			try {
				jpeg = decoder.decode(keyframe.avcConfig(), keyframe.nalUnits());
			}
			catch (KeyframeDecodeException ex) {
				failed(keyframe, "decode_failed", ex.getMessage());
				return;
			}
			synchronized (this) {
				if (this.closed) {
					this.busy = false;
					return;
				}
				try {
					DecodePool.this.files.write(this.publicName, jpeg);
				}
				catch (IOException ex) {
					Keyframe newer = this.latest;
					if (newer != null && newer != keyframe) {
						enqueue(nextDue());
					}
					else {
						this.busy = false;
					}
					DecodePool.this.metrics.decode("write_failed");
					log.warn("Could not write the thumbnail of {}: {}", this.stream.masked(), ex.getMessage());
					return;
				}
				this.shown = keyframe;
				this.written = DecodePool.this.clock.instant();
				this.writtenNanos = System.nanoTime();
				this.failing = false;
				DecodePool.this.metrics.decode("written");
				enqueue(this.writtenNanos + DecodePool.this.interval.toNanos());
			}
		}

		/**
		 * A keyframe that cannot be decoded is not tried again; the next one is, as soon
		 * as it arrives (or at once, when it arrived during the failed decode). Logged
		 * once per run of failures.
		 */
		private synchronized void failed(Keyframe keyframe, String outcome, @Nullable String reason) {
			this.shown = keyframe;
			Keyframe newer = this.latest;
			if (!this.closed && newer != null && newer != keyframe) {
				enqueue(nextDue());
			}
			else {
				this.busy = false;
			}
			DecodePool.this.metrics.decode(outcome);
			if (!this.failing) {
				this.failing = true;
				log.warn("Could not decode a keyframe of {}: {}", this.stream.masked(), reason);
			}
		}

	}

}
