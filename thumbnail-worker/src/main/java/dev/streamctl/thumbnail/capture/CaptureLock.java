package dev.streamctl.thumbnail.capture;

import dev.streamctl.common.topology.QueueDefinition;
import dev.streamctl.common.topology.ThumbnailTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * One capture per stream across all workers: a worker locks a stream by declaring an
 * exclusive queue named after the stream's public name. The broker lets one connection
 * own it and deletes it when that connection dies, so a dead worker's locks go with it.
 */
@Component
class CaptureLock implements StreamLock {

	private static final Logger log = LoggerFactory.getLogger(CaptureLock.class);

	private final RabbitTemplate rabbit;

	CaptureLock(RabbitTemplate rabbit) {
		this.rabbit = rabbit;
	}

	/**
	 * Whether this worker now holds the lock (false: another worker's connection holds
	 * it).
	 */
	@Override
	public boolean acquire(String publicName) {
		try {
			QueueDefinition lock = ThumbnailTopology.lock(publicName);
			this.rabbit.execute(channel -> channel.queueDeclare(lock.name(), lock.durable(), lock.exclusive(),
					lock.autoDelete(), lock.declaredArguments()));
			return true;
		}
		catch (AmqpException ex) {
			log.debug("Lock on {} held elsewhere: {}", publicName, ex.getMessage());
			return false;
		}
	}

	@Override
	public void release(String publicName) {
		try {
			this.rabbit.execute(channel -> channel.queueDelete(ThumbnailTopology.lock(publicName).name()));
		}
		catch (AmqpException ex) {
			log.warn("Could not release the lock on {} (it goes with the connection): {}", publicName, ex.getMessage());
		}
	}

}
