package dev.streamctl.thumbnail.capture;

import com.rabbitmq.client.Channel;
import dev.streamctl.common.event.StreamPublished;

/**
 * A capture job as delivered: the publish event it came from, and the delivery that stays
 * unacknowledged while its capture runs.
 *
 * @param attempts how often the job already found its stream captured by another worker
 */
public record CaptureJob(StreamPublished event, Channel channel, long tag, int attempts) {

}
