package dev.streamctl.status.apply;

import dev.streamctl.store.DirectoryRejectedException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Not ready while the store refuses writes for a reason asking again will not fix (wrong
 * key, missing table or column, row-level security): the detail names the cause and the
 * fix. Ready again after the next successful call.
 */
@Component("store")
class StoreHealth implements HealthIndicator {

	private volatile @Nullable DirectoryRejectedException rejection;

	void rejected(DirectoryRejectedException ex) {
		this.rejection = ex;
	}

	void reachable() {
		this.rejection = null;
	}

	@Override
	public Health health() {
		DirectoryRejectedException current = this.rejection;
		return (current == null) ? Health.up().build()
				: Health.down()
					.withDetail("error", String.valueOf(current.getMessage()))
					.withDetail("status", current.status())
					.build();
	}

}
