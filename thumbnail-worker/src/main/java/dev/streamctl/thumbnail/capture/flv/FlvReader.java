package dev.streamctl.thumbnail.capture.flv;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.streamctl.common.event.Masking;
import dev.streamctl.common.event.StreamKey;
import dev.streamctl.thumbnail.capture.flv.FlvReadOutcome.Reason;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP-FLV request to SRS, its body streamed into a new {@link FlvTap} as it arrives,
 * until something ends it; the reason is the {@link FlvReadOutcome} of {@link #read()}.
 * Single use: a reconnect needs a new reader.
 * <p>
 * Uses {@link HttpClient} (HTTP/1.1), never {@code HttpURLConnection}, which hung on
 * SRS's HTTP-FLV response headers. The body is never buffered: each buffer the client
 * receives is parsed by the tap and released before the next is requested, so the tap's
 * keyframe cap bounds the memory of a reader.
 * <p>
 * The URL carries the stream key: it appears in log lines, outcomes and messages only
 * masked ({@link #label()}).
 * <p>
 * Threading: {@link #read()} blocks the thread that calls it, which does the waiting and
 * the timeouts; the tap is fed, and the {@link FlvTap.Listener} called, on the
 * {@link HttpClient}'s threads (its executor, or its selector thread), one at a time, so
 * the listener must return quickly. {@link #close()} and every query are safe from any
 * thread.
 */
public final class FlvReader implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FlvReader.class);

	private static final int OK = 200;

	/**
	 * How long a reader waits and how much it keeps.
	 *
	 * @param headerTimeout the longest wait for the response headers, connecting included
	 * @param videoTimeout the longest wait for the first video tag after the headers
	 * @param maxKeyframeBytes the tap's keyframe cap
	 */
	public record Settings(Duration headerTimeout, Duration videoTimeout, int maxKeyframeBytes) {

		public Settings {
			requirePositive(headerTimeout, "headerTimeout");
			requirePositive(videoTimeout, "videoTimeout");
			if (maxKeyframeBytes < 1) {
				throw new IllegalArgumentException("maxKeyframeBytes must be positive, was " + maxKeyframeBytes);
			}
		}

		private static void requirePositive(Duration duration, String name) {
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, was " + duration);
			}
		}

	}

	private final HttpClient client;

	private final URI url;

	private final StreamKey stream;

	private final Settings settings;

	private final FlvTap.Listener listener;

	private final FlvTap tap;

	private final String label;

	private final AtomicBoolean started = new AtomicBoolean();

	private final CompletableFuture<FlvReadOutcome> outcome = new CompletableFuture<>();

	/** Completed with the {@code System.nanoTime()} of the response headers' arrival. */
	private final CompletableFuture<Long> headers = new CompletableFuture<>();

	private volatile Flow.@Nullable Subscription subscription;

	private volatile @Nullable CompletableFuture<?> exchange;

	/**
	 * A reader that has not connected yet.
	 * @param client the client to send with (shared by readers; its connect timeout
	 * applies)
	 * @param url the stream's HTTP-FLV URL
	 * @param stream the stream key the URL carries, to mask it
	 * @param settings the timeouts and the keyframe cap
	 * @param listener told what the tap reports, on the client's threads
	 */
	public FlvReader(HttpClient client, URI url, StreamKey stream, Settings settings, FlvTap.Listener listener) {
		this.client = client;
		this.url = url;
		this.stream = stream;
		this.settings = settings;
		this.listener = listener;
		this.tap = new FlvTap(settings.maxKeyframeBytes(), System::nanoTime, new TapEvents());
		this.label = maskedUrl();
	}

	/**
	 * Sends the request and reads the body until it ends, a timeout passes, the tap fails
	 * or {@link #close()} is called; the connection is released when this returns. An
	 * interrupt of the calling thread counts as a close.
	 * @return why the read stopped
	 * @throws IllegalStateException when called a second time
	 */
	public FlvReadOutcome read() {
		if (!this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("a reader reads once; " + this.label + " needs a new reader");
		}
		if (this.outcome.isDone()) {
			return this.outcome.join();
		}
		long start = System.nanoTime();
		logger.debug("Requesting {}", this.label);
		HttpRequest request = HttpRequest.newBuilder(this.url)
			.version(HttpClient.Version.HTTP_1_1)
			.timeout(this.settings.headerTimeout())
			.header("Accept", "video/x-flv")
			.GET()
			.build();
		CompletableFuture<HttpResponse<Void>> sent = this.client.sendAsync(request, this::bodyFor);
		this.exchange = sent;
		watchForFailure(sent);
		if (this.outcome.isDone()) {
			release();
		}
		if (!await(CompletableFuture.anyOf(this.headers, this.outcome), this.settings.headerTimeout().toNanos())) {
			finish(Reason.NO_HEADERS, "no response headers within " + this.settings.headerTimeout().toMillis() + " ms");
		}
		else if (!this.outcome.isDone()) {
			long deadline = this.headers.join() + this.settings.videoTimeout().toNanos();
			if (!await(this.outcome, deadline - System.nanoTime()) && !this.tap.videoSeen()) {
				finish(Reason.NO_VIDEO, "no video tag within " + this.settings.videoTimeout().toMillis()
						+ " ms of the response headers");
			}
		}
		FlvReadOutcome result = awaitOutcome();
		logger.debug("Stopped reading {} after {} ms, {} bytes, {} keyframes kept: {}", this.label,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), this.tap.bytesRead(),
				this.tap.keyframesKept(), result);
		return result;
	}

	/**
	 * Stops a read at once, from any thread: {@link #read()} returns
	 * {@link Reason#CLOSED} (unless it had stopped already) and the connection is closed.
	 * What the tap kept stays available.
	 */
	@Override
	public void close() {
		finish(Reason.CLOSED, "closed by the caller");
	}

	/** The newest complete keyframe kept, or null before the first. */
	public @Nullable Keyframe keyframe() {
		return this.tap.keyframe();
	}

	/** {@code System.nanoTime()} when the last video tag arrived, if any did. */
	public OptionalLong lastVideoTagNanos() {
		return this.tap.lastVideoTagNanos();
	}

	/** Bytes of the body received. */
	public long bytesRead() {
		return this.tap.bytesRead();
	}

	/** Bytes of media the tap holds (see {@link FlvTap#retainedBytes()}). */
	public long retainedBytes() {
		return this.tap.retainedBytes();
	}

	/** The URL with the stream key masked, for log lines. */
	public String label() {
		return this.label;
	}

	@Override
	public String toString() {
		return "FlvReader[" + this.label + "]";
	}

	/** Called by the client when the response headers arrive. */
	private BodySubscriber<Void> bodyFor(ResponseInfo response) {
		this.headers.complete(System.nanoTime());
		if (response.statusCode() != OK) {
			finish(Reason.HTTP_STATUS, Integer.toString(response.statusCode()));
		}
		else {
			logger.debug("Reading {}", this.label);
		}
		return new Body();
	}

	// The callback only records an outcome: the future it returns has nothing to wait
	// for.
	@SuppressWarnings("FutureReturnValueIgnored")
	private void watchForFailure(CompletableFuture<?> sent) {
		sent.whenComplete((response, failure) -> {
			if (failure != null) {
				exchangeFailed(failure);
			}
		});
	}

	private void exchangeFailed(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (this.headers.isDone()) {
			finish(Reason.ENDED, "the response broke off: " + describe(cause));
		}
		else if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
			finish(Reason.NO_HEADERS, "no response headers within " + this.settings.headerTimeout().toMillis() + " ms ("
					+ describe(cause) + ")");
		}
		else {
			finish(Reason.UNREACHABLE, describe(cause));
		}
	}

	/** Records the first outcome only, and releases the connection when it does. */
	private void finish(Reason reason, String detail) {
		if (this.outcome.complete(new FlvReadOutcome(reason, masked(detail)))) {
			release();
		}
	}

	/**
	 * Cancels the body subscription (which closes an HTTP/1.1 connection whose body is
	 * unread) and the exchange (which aborts a request still waiting for headers).
	 */
	private void release() {
		Flow.Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
		CompletableFuture<?> sent = this.exchange;
		if (sent != null) {
			sent.cancel(true);
		}
	}

	/**
	 * Waits for {@code future} up to {@code nanos}.
	 * @return false when the time passed first
	 */
	private boolean await(CompletableFuture<?> future, long nanos) {
		try {
			future.get(Math.max(0, nanos), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			finish(Reason.CLOSED, "the reading thread was interrupted");
			return true;
		}
	}

	private FlvReadOutcome awaitOutcome() {
		try {
			return this.outcome.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			finish(Reason.CLOSED, "the reading thread was interrupted");
			return this.outcome.join();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("the outcome is never completed exceptionally", ex);
		}
	}

	private String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private String masked(String text) {
		return text.replace(this.stream.value(), this.stream.masked());
	}

	private String maskedUrl() {
		String text = this.url.toString();
		String query = this.url.getRawQuery();
		if (query != null) {
			text = text.replace("?" + query, Masking.query("?" + query));
		}
		return masked(text);
	}

	/** Feeds the tap one list of buffers at a time, as the client receives them. */
	private final class Body implements BodySubscriber<Void> {

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private Flow.@Nullable Subscription upstream;

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.upstream = subscription;
			FlvReader.this.subscription = subscription;
			if (FlvReader.this.outcome.isDone()) {
				subscription.cancel();
			}
			else {
				subscription.request(1);
			}
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				if (FlvReader.this.outcome.isDone()) {
					return;
				}
				FlvReader.this.tap.feed(buffer);
			}
			Flow.Subscription current = this.upstream;
			if (current != null && !FlvReader.this.outcome.isDone()) {
				current.request(1);
			}
		}

		@Override
		public void onError(Throwable failure) {
			finish(Reason.ENDED, "the response broke off: " + describe(failure));
			this.done.completeExceptionally(failure);
		}

		@Override
		public void onComplete() {
			finish(Reason.ENDED, "the response ended");
			this.done.complete(null);
		}

		@Override
		public CompletionStage<Void> getBody() {
			return this.done;
		}

	}

	/** Passes the tap's reports on, and ends the read on a failure or another codec. */
	private final class TapEvents implements FlvTap.Listener {

		@Override
		public void keyframe(Keyframe keyframe) {
			FlvReader.this.listener.keyframe(keyframe);
		}

		@Override
		public void keyframeDropped(FlvTap.DropReason reason, int sizeBytes) {
			FlvReader.this.listener.keyframeDropped(reason, sizeBytes);
		}

		@Override
		public void unsupportedCodec(String codec) {
			FlvReader.this.listener.unsupportedCodec(codec);
			finish(Reason.UNSUPPORTED_CODEC, codec);
		}

		@Override
		public void failed(String reason) {
			FlvReader.this.listener.failed(reason);
			finish(Reason.TAP_FAILED, reason);
		}

	}

}
