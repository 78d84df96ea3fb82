package dev.streamctl.status.apply;

import dev.streamctl.store.DirectoryException;
import dev.streamctl.store.DirectoryRejectedException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Not ready while the store refuses writes for a reason asking again will not fix (wrong
 * key, missing table or column, row-level security), or after
 * {@link StatusSettings#storeFailuresBeforeDown()} calls in a row failed transiently (the
 * store is down or unreachable): the detail names the cause. Ready again after the next
 * successful call.
 */
@Component("store")
class StoreHealth implements HealthIndicator {

	private final int failuresBeforeDown;

	private @Nullable DirectoryException lastFailure;

	private @Nullable DirectoryRejectedException rejection;

	private int consecutiveFailures;

	StoreHealth(StatusSettings settings) {
		this.failuresBeforeDown = settings.storeFailuresBeforeDown();
	}

	synchronized void rejected(DirectoryRejectedException ex) {
		this.rejection = ex;
	}

	synchronized void failed(DirectoryException ex) {
		this.lastFailure = ex;
		this.consecutiveFailures++;
	}

	synchronized void reachable() {
		this.rejection = null;
		this.lastFailure = null;
		this.consecutiveFailures = 0;
	}

	@Override
	public synchronized Health health() {
		if (this.rejection != null) {
			return Health.down()
				.withDetail("error", String.valueOf(this.rejection.getMessage()))
				.withDetail("status", this.rejection.status())
				.build();
		}
		if (this.lastFailure != null && this.consecutiveFailures >= this.failuresBeforeDown) {
			return Health.down()
				.withDetail("error", String.valueOf(this.lastFailure.getMessage()))
				.withDetail("consecutiveFailures", this.consecutiveFailures)
				.build();
		}
		return Health.up().withDetail("consecutiveFailures", this.consecutiveFailures).build();
	}

}
