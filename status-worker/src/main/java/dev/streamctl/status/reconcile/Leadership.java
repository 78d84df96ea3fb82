package dev.streamctl.status.reconcile;

/** Whether this instance is the one that reconciles. */
public interface Leadership {

	boolean isLeader();

	/** Keeps the leadership fresh; called by the leader now and then. */
	void renew();

}
