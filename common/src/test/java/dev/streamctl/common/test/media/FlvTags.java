package dev.streamctl.common.test.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.streamctl.common.test.SrsFixtures;

/**
 * A minimal FLV reader for the tests, independent of the thumbnail worker's FLV parser:
 * the complete tags of a whole FLV file, with where each starts.
 */
public final class FlvTags {

	public static final int HEADER_AND_FIRST_PREVIOUS_TAG_SIZE = 13;

	private FlvTags() {
	}

	/** The captured SRS 6 HTTP-FLV join (see {@code test-fixtures/srs/README.md}). */
	public static byte[] srsJoin() {
		try {
			return Files.readAllBytes(SrsFixtures.directory().resolve("http-flv/srs_http_flv_join.flv"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The tags of {@code flv} that are complete, PreviousTagSize included. */
	public static List<Tag> of(byte[] flv) {
		List<Tag> tags = new ArrayList<>();
		int offset = HEADER_AND_FIRST_PREVIOUS_TAG_SIZE;
		while (offset + 11 <= flv.length) {
			int size = u24(flv, offset + 1);
			if (offset + 11 + size + 4 > flv.length) {
				break;
			}
			int timestamp = u24(flv, offset + 4) | ((flv[offset + 7] & 0xFF) << 24);
			tags.add(new Tag(flv, offset, flv[offset] & 0x1F, size, timestamp));
			offset += 11 + size + 4;
		}
		return tags;
	}

	public static int u24(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xFF) << 16) | ((bytes[offset + 1] & 0xFF) << 8) | (bytes[offset + 2] & 0xFF);
	}

	/** One tag of a file; {@code offset} is where its 11-byte header starts. */
	public record Tag(byte[] file, int offset, int type, int dataSize, int timestamp) {

		public int end() {
			return this.offset + 11 + this.dataSize + 4;
		}

		public byte[] data() {
			return Arrays.copyOfRange(this.file, this.offset + 11, this.offset + 11 + this.dataSize);
		}

		/** The whole tag: header, data and PreviousTagSize. */
		public byte[] bytes() {
			return Arrays.copyOfRange(this.file, this.offset, end());
		}

		public boolean isAudio() {
			return this.type == 8;
		}

		public boolean isAvcSequenceHeader() {
			return this.type == 9 && (this.file[this.offset + 11] & 0x0F) == 7 && this.file[this.offset + 12] == 0;
		}

		public boolean isAvcKeyframe() {
			return this.type == 9 && (this.file[this.offset + 11] & 0xFF) == 0x17 && this.file[this.offset + 12] == 1;
		}

		public int compositionTime() {
			return (u24(this.file, this.offset + 13) << 8) >> 8;
		}

		/** The data after the 5-byte AVC video header. */
		public byte[] avcPayload() {
			return Arrays.copyOfRange(this.file, this.offset + 16, this.offset + 11 + this.dataSize);
		}

	}

}
