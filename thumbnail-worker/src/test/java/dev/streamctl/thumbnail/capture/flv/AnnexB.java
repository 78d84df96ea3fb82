package dev.streamctl.thumbnail.capture.flv;

import java.util.ArrayList;
import java.util.List;

/** Reads an Annex B byte stream back, for the tests. */
final class AnnexB {

	private AnnexB() {
	}

	/**
	 * The NAL unit types after each 4-byte start code; fails if the stream does not start
	 * with one.
	 */
	static List<Integer> nalUnitTypes(byte[] annexB) {
		List<Integer> types = new ArrayList<>();
		if (!startCodeAt(annexB, 0)) {
			throw new AssertionError("no start code at the beginning");
		}
		for (int i = 0; i + 4 < annexB.length; i++) {
			if (startCodeAt(annexB, i)) {
				types.add(annexB[i + 4] & 0x1F);
				i += 3;
			}
		}
		return types;
	}

	private static boolean startCodeAt(byte[] bytes, int i) {
		return bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 0 && bytes[i + 3] == 1;
	}

}
