package dev.streamctl.thumbnail.capture.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The H.264 video of an FLV file, read just far enough to feed the decoder in tests (the
 * worker's own FLV parser lives elsewhere): the sequence header's decoder configuration
 * record and the frames' length-prefixed NAL units. A tag cut off at the end of the file
 * (the SRS capture stops mid-stream) is left out.
 */
record FlvVideo(byte[] configuration, List<Frame> frames) {

	private static final int VIDEO = 9;

	private static final int AVC = 7;

	/** One video tag's access unit. */
	record Frame(boolean keyframe, byte[] accessUnit) {
	}

	static FlvVideo read(Path flv) throws IOException {
		byte[] file = Files.readAllBytes(flv);
		if (file.length < 13 || file[0] != 'F' || file[1] != 'L' || file[2] != 'V') {
			throw new IllegalArgumentException(flv + " is not an FLV file");
		}
		byte[] configuration = null;
		List<Frame> frames = new ArrayList<>();
		int offset = u32(file, 5) + 4;
		while (offset + 11 <= file.length) {
			int type = file[offset] & 0x1f;
			int size = u24(file, offset + 1);
			int data = offset + 11;
			if (data + size > file.length) {
				break;
			}
			if (type == VIDEO && size > 5 && (file[data] & 0x0f) == AVC) {
				boolean keyframe = (file[data] & 0xf0) >> 4 == 1;
				byte[] payload = Arrays.copyOfRange(file, data + 5, data + size);
				if (file[data + 1] == 0) {
					configuration = payload;
				}
				else if (file[data + 1] == 1) {
					frames.add(new Frame(keyframe, payload));
				}
			}
			offset = data + size + 4;
		}
		if (configuration == null) {
			throw new IllegalArgumentException(flv + " has no AVC sequence header");
		}
		return new FlvVideo(configuration, frames);
	}

	byte[] firstKeyframe() {
		return this.frames.stream().filter(Frame::keyframe).findFirst().orElseThrow().accessUnit();
	}

	byte[] firstInterFrame() {
		return this.frames.stream().filter((frame) -> !frame.keyframe()).findFirst().orElseThrow().accessUnit();
	}

	private static int u24(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 16) | ((bytes[offset + 1] & 0xff) << 8) | (bytes[offset + 2] & 0xff);
	}

	private static int u32(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | u24(bytes, offset + 1);
	}

}
