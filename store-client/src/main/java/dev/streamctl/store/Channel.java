package dev.streamctl.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

import dev.streamctl.common.event.StreamKey;
import org.jspecify.annotations.Nullable;

/**
 * A row of the channel table: the channel's id, its secret stream key and its live state
 * as stored.
 *
 * @param modified when the row last changed, or null when it never did
 */
public record Channel(UUID id, StreamKey streamKey, boolean live, @Nullable Instant modified) {

	public Channel {
		Objects.requireNonNull(id, "id is required");
		Objects.requireNonNull(streamKey, "streamKey is required");
	}

	/**
	 * The channel's public name: the lowercase hex MD5 of its UUID in canonical text
	 * form. Thumbnails, covers and relays use it so that no public URL carries the stream
	 * key.
	 */
	public String publicName() {
		try {
			byte[] digest = MessageDigest.getInstance("MD5")
				.digest(this.id.toString().getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is missing from this JVM", ex);
		}
	}

	/** The cover file name the original design stores: {@code <publicName>.jpg}. */
	public String cover() {
		return publicName() + ".jpg";
	}

}
