package dev.streamctl.common.event;

final class Events {

	private Events() {
	}

	static void requireSchema(int schemaVersion) {
		if (schemaVersion != StreamEvent.SCHEMA_VERSION) {
			throw new IllegalArgumentException(
					"unsupported schemaVersion " + schemaVersion + ", this code reads " + StreamEvent.SCHEMA_VERSION);
		}
	}

}
