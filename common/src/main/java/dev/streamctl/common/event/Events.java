package dev.streamctl.common.event;

final class Events {

	private Events() {
	}

	static void requireSchema(int schemaVersion) {
		if (schemaVersion != SrsEvent.SCHEMA_VERSION) {
			throw new IllegalArgumentException(
					"unsupported schemaVersion " + schemaVersion + ", this code reads " + SrsEvent.SCHEMA_VERSION);
		}
	}

}
