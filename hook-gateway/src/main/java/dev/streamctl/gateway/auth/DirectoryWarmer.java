package dev.streamctl.gateway.auth;

import java.util.concurrent.ScheduledFuture;

import dev.streamctl.store.SupabaseChannelDirectory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Loads every channel into the directory's cache at start-up and then every
 * {@link AuthSettings#refreshInterval()}, in the background, so that publishes of known
 * keys are decided from memory. A failed load is logged and tried again at the next
 * interval.
 */
@Component
class DirectoryWarmer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DirectoryWarmer.class);

	private final SupabaseChannelDirectory directory;

	private final AuthSettings settings;

	private final TaskScheduler scheduler;

	private @Nullable ScheduledFuture<?> schedule;

	DirectoryWarmer(SupabaseChannelDirectory directory, AuthSettings settings, TaskScheduler scheduler) {
		this.directory = directory;
		this.settings = settings;
		this.scheduler = scheduler;
	}

	@Override
	public void start() {
		if (this.settings.mode() == AuthSettings.Mode.KNOWN_KEYS && !this.settings.refreshInterval().isZero()) {
			this.schedule = this.scheduler.scheduleWithFixedDelay(this::warm, this.settings.refreshInterval());
		}
	}

	@Override
	public void stop() {
		if (this.schedule != null) {
			this.schedule.cancel(false);
		}
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null && !this.schedule.isCancelled();
	}

	private void warm() {
		try {
			var channels = this.directory.all().blockOptional().orElseThrow();
			this.directory.remember(channels);
			log.info("Channel cache warmed with {} channels", channels.size());
		}
		catch (RuntimeException ex) {
			log.warn("Could not load the channels into the cache: {}", ex.getMessage());
		}
	}

}
