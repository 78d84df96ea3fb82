package dev.streamctl.common.test;

import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * What one class logs while a test runs, formatted as people read it (arguments filled
 * in, throwables' messages appended), so that a test can prove a secret never reaches the
 * log. Close it to detach.
 */
public final class CapturedLogs implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private CapturedLogs(Class<?> source) {
		this.logger = (Logger) LoggerFactory.getLogger(source);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	/** Starts capturing what {@code source}'s logger writes. */
	public static CapturedLogs of(Class<?> source) {
		return new CapturedLogs(source);
	}

	/**
	 * Every line logged so far, with its level, e.g.
	 * {@code WARN Publish of sec*** from 10.0.0.1: unknown}.
	 */
	public List<String> lines() {
		List<ILoggingEvent> events;
		synchronized (this.appender) {
			events = List.copyOf(this.appender.list);
		}
		return events.stream().map(CapturedLogs::line).toList();
	}

	/**
	 * Every line logged so far, joined: handy for
	 * {@code contains}/{@code doesNotContain}.
	 */
	public String all() {
		return String.join("\n", lines());
	}

	private static String line(ILoggingEvent event) {
		String line = event.getLevel() + " " + event.getFormattedMessage();
		return (event.getThrowableProxy() != null) ? line + " " + event.getThrowableProxy().getMessage() : line;
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.appender.stop();
	}

}
