package dev.streamctl.status.apply.messaging;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.Channel;
import dev.streamctl.common.codec.EventCodec;
import dev.streamctl.common.codec.MalformedEventException;
import dev.streamctl.common.topology.StatusTopology;
import dev.streamctl.status.apply.Incoming;
import dev.streamctl.status.apply.Outcome;
import dev.streamctl.status.apply.RetryHeaders;
import dev.streamctl.status.apply.StatusService;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Takes batches from {@link StatusTopology#EVENTS_QUEUE}: decodes them, hands them to the
 * {@link StatusService} and settles each delivery as it says. A message that is not an
 * event is dead-lettered at once.
 */
@Component
class StatusListener {

	private static final Logger log = LoggerFactory.getLogger(StatusListener.class);

	private final StatusService status;

	private final EventCodec codec;

	private final MeterRegistry meters;

	StatusListener(StatusService status, EventCodec codec, MeterRegistry meters) {
		this.status = status;
		this.codec = codec;
		this.meters = meters;
	}

	@RabbitListener(id = "status", queues = StatusTopology.EVENTS_QUEUE,
			containerFactory = "statusBatchListenerFactory", autoStartup = "${status.consume:true}")
	void onBatch(List<Message> messages, Channel channel) throws IOException {
		List<Incoming> batch = new ArrayList<>(messages.size());
		for (Message message : messages) {
			long tag = message.getMessageProperties().getDeliveryTag();
			try {
				batch.add(incoming(tag, message));
			}
			catch (MalformedEventException ex) {
				log.error("Dead-lettering message {}: {}", message.getMessageProperties().getMessageId(),
						ex.getMessage());
				this.meters.counter("status.events", "outcome", "malformed").increment();
				channel.basicReject(tag, false);
			}
		}
		Map<Long, Outcome> outcomes = this.status.apply(batch);
		if (outcomes.size() == batch.size()
				&& outcomes.values().stream().allMatch(outcome -> outcome.settle() == Outcome.Settle.ACK)) {
			// the batch's deliveries are consecutive and every earlier one is settled:
			// one acknowledgement for all of them
			long last = outcomes.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
			channel.basicAck(last, true);
			return;
		}
		for (Map.Entry<Long, Outcome> settled : outcomes.entrySet()) {
			switch (settled.getValue().settle()) {
				case ACK -> channel.basicAck(settled.getKey(), false);
				case REJECT -> channel.basicReject(settled.getKey(), false);
				case REQUEUE -> channel.basicReject(settled.getKey(), true);
			}
		}
	}

	private Incoming incoming(long tag, Message message) {
		Map<String, @Nullable Object> headers = message.getMessageProperties().getHeaders();
		Object retries = headers.get(RetryHeaders.RETRIES);
		Object firstFailure = headers.get(RetryHeaders.FIRST_FAILURE);
		boolean graced = Boolean.TRUE.equals(headers.get(RetryHeaders.GRACED)) || cameBackFromGrace(message);
		return new Incoming(tag, this.codec.decode(message.getBody()), graced,
				(retries instanceof Number number) ? number.intValue() : 0,
				(firstFailure instanceof Number millis) ? Instant.ofEpochMilli(millis.longValue()) : null);
	}

	private static boolean cameBackFromGrace(Message message) {
		List<Map<String, ?>> deaths = message.getMessageProperties().getXDeathHeader();
		return deaths != null && deaths.stream()
			.anyMatch(death -> String.valueOf(death.get("queue")).startsWith(StatusTopology.GRACE_QUEUE_PREFIX));
	}

}
