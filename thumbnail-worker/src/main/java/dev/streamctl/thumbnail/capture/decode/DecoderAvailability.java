package dev.streamctl.thumbnail.capture.decode;

/**
 * Whether the native media libraries load on this machine.
 *
 * @param available whether keyframes can be decoded here
 * @param description the FFmpeg version and licence when available, else why not
 */
public record DecoderAvailability(boolean available, String description) {

	static DecoderAvailability loaded(String description) {
		return new DecoderAvailability(true, description);
	}

	static DecoderAvailability failed(String reason) {
		return new DecoderAvailability(false, reason);
	}

}
