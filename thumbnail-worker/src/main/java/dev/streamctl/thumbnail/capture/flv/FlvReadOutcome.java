package dev.streamctl.thumbnail.capture.flv;

import java.util.Locale;

/**
 * Why an {@link FlvReader} stopped reading, for the caller's log line, metric and next
 * step. The detail never holds the stream key in full, nor any byte of a response body.
 *
 * @param reason what happened
 * @param detail the particulars for people, e.g. the status code or the tap's reason
 */
public record FlvReadOutcome(Reason reason, String detail) {

	/** What happened, and what the caller should do about it. */
	public enum Reason {

		/**
		 * No response headers within the header timeout: SRS holds the request of a
		 * stream that is not publishing open and silent. The request was abandoned; retry
		 * with backoff while SRS lists the stream.
		 */
		NO_HEADERS,

		/** The response had a status other than 200 (the detail is the code). */
		HTTP_STATUS,

		/**
		 * Headers came, but no video tag within the video timeout (SRS 6 can leave a new
		 * stream's readers without data for the whole session, ossrs/srs#4182). The
		 * connection was closed; reconnect.
		 */
		NO_VIDEO,

		/**
		 * The body ended, with or without its final chunk (SRS ends it without one when
		 * the publisher stops). What the tap kept stays available.
		 */
		ENDED,

		/**
		 * The body is not FLV, or breaks its framing (the detail is the tap's reason).
		 */
		TAP_FAILED,

		/** The stream's video is not H.264 (the detail is the codec's label). */
		UNSUPPORTED_CODEC,

		/** No response: the connection could not be made or broke before the headers. */
		UNREACHABLE,

		/** {@link FlvReader#close()} was called. */
		CLOSED;

		/** The reason as a metric tag value, e.g. {@code no_headers}. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	@Override
	public String toString() {
		return this.reason.tag() + ": " + this.detail;
	}

}
