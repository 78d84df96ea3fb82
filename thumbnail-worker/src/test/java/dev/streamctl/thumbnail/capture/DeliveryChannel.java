package dev.streamctl.thumbnail.capture;

import java.lang.reflect.Proxy;

import com.rabbitmq.client.Channel;

/**
 * The AMQP channel a capture job was delivered on, reduced to what the capture service
 * asks of it: whether it is still open. Settling goes through the {@link Settlement}, so
 * any other call is a test error.
 */
final class DeliveryChannel {

	private volatile boolean open = true;

	private final Channel channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(),
			new Class<?>[] { Channel.class }, (proxy, method, args) -> switch (method.getName()) {
				case "isOpen" -> this.open;
				case "hashCode" -> System.identityHashCode(proxy);
				case "equals" -> proxy == args[0];
				case "toString" -> "delivery channel (" + (this.open ? "open" : "closed") + ")";
				default ->
					throw new UnsupportedOperationException("a unit test's delivery channel: " + method.getName());
			});

	Channel channel() {
		return this.channel;
	}

	/** The channel closed: the broker takes the job back and redelivers it. */
	void close() {
		this.open = false;
	}

}
