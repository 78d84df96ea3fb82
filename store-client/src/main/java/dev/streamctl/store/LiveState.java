package dev.streamctl.store;

/** Whether a channel is live, as written to the store. */
public enum LiveState {

	ONLINE("online", true), OFFLINE("offline", false);

	private final String status;

	private final boolean live;

	LiveState(String status, boolean live) {
		this.status = status;
		this.live = live;
	}

	/** The value of the status column: {@code online} or {@code offline}. */
	public String status() {
		return this.status;
	}

	public boolean live() {
		return this.live;
	}

}
