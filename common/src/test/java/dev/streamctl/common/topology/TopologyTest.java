package dev.streamctl.common.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TopologyTest {

	@Test
	void everyQuorumQueueOfTheDeploymentHasAnExplicitDeliveryLimit() {
		assertThat(DeploymentTopology.definitions().queues())
			.filteredOn(queue -> queue.type() == QueueDefinition.Type.QUORUM)
			.isNotEmpty()
			.allSatisfy(queue -> assertThat(queue.arguments()).containsKey(QueueDefinition.DELIVERY_LIMIT));
	}

	@Test
	void refusesAQuorumQueueWithoutDeliveryLimitSinceRabbitMq4DefaultsItTo20() {
		assertThatIllegalArgumentException().isThrownBy(() -> QueueDefinition.quorum("q", Map.of()))
			.withMessageContaining("x-delivery-limit");
	}

	@Test
	void refusesADeliveryLimitThatRabbitMq310ReadsAsDropAtOnce() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> QueueDefinition.quorum("q", Map.of(QueueDefinition.DELIVERY_LIMIT, -1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> QueueDefinition.quorum("q", Map.of(QueueDefinition.DELIVERY_LIMIT, 0)));
	}

	@Test
	void takesTheQueueTypeAsTypeOnlyAndDeclaresItFirst() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> QueueDefinition.classic("q", Map.of(QueueDefinition.QUEUE_TYPE, "quorum")));
		assertThat(StatusTopology.queues().queue(StatusTopology.EVENTS_QUEUE).orElseThrow().declaredArguments())
			.containsEntry(QueueDefinition.QUEUE_TYPE, "quorum")
			.satisfies(arguments -> assertThat(arguments.keySet()).first().isEqualTo(QueueDefinition.QUEUE_TYPE));
		assertThat(ThumbnailTopology.pool().queue(ThumbnailTopology.RETRY_QUEUE).orElseThrow().declaredArguments())
			.doesNotContainKey(QueueDefinition.QUEUE_TYPE);
	}

	@Test
	void combinesPartsNamingEachObjectOnce() {
		Topology both = StatusTopology.queues().plus(ThumbnailTopology.pool());

		assertThat(both.exchanges()).filteredOn(exchange -> exchange.name().equals(EventTopology.EXCHANGE)).hasSize(1);
		assertThat(both.includes(StatusTopology.queues())).isTrue();
		assertThat(both.includes(ThumbnailTopology.pool())).isTrue();
	}

	@Test
	void refusesTwoDifferentQueuesOfOneName() {
		assertThatIllegalArgumentException().isThrownBy(() -> EventTopology.log("7D").plus(EventTopology.log("1D")))
			.withMessageContaining(EventTopology.LOG_QUEUE);
	}

	@Test
	void refusesABindingToAnObjectOutsideThePart() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Topology(List.of(EventTopology.exchange()), List.of(),
				List.of(new BindingDefinition(EventTopology.EXCHANGE, "elsewhere", "#"))));
	}

	@Test
	void namesTheGraceQueueAfterTheGraceItHolds() {
		QueueDefinition grace = StatusTopology.grace(Duration.ofSeconds(3)).queues().get(0);

		assertThat(grace.name()).isEqualTo("status.grace.3000ms");
		assertThat(grace.arguments()).containsEntry("x-message-ttl", 3000L)
			.containsEntry("x-dead-letter-routing-key", StatusTopology.EVENTS_QUEUE);
		assertThatIllegalArgumentException().isThrownBy(() -> StatusTopology.grace(Duration.ZERO));
	}

	@Test
	void bindsOnlyTheLogToEveryEventAndTheStateQueuesToTheKeysTheyApply() {
		Topology deployment = DeploymentTopology.definitions();

		assertThat(deployment.bindings()).filteredOn(binding -> binding.exchange().equals(EventTopology.EXCHANGE))
			.containsExactlyInAnyOrder(
					new BindingDefinition(EventTopology.EXCHANGE, EventTopology.LOG_QUEUE, EventTopology.LOG_BINDING),
					new BindingDefinition(EventTopology.EXCHANGE, StatusTopology.EVENTS_QUEUE, EventTopology.PUBLISHED),
					new BindingDefinition(EventTopology.EXCHANGE, StatusTopology.EVENTS_QUEUE,
							EventTopology.UNPUBLISHED),
					new BindingDefinition(EventTopology.EXCHANGE, ThumbnailTopology.JOBS_QUEUE,
							EventTopology.PUBLISHED));
	}

	@Test
	void bindsAWorkersControlQueueToEveryStreamEventForAsLongAsItsConnectionLives() {
		QueueDefinition control = ThumbnailTopology.controlQueue("w1");
		Topology part = ThumbnailTopology.control(control);

		assertThat(control.name()).isEqualTo("thumbnail.control.w1");
		assertThat(control.exclusive()).isTrue();
		assertThat(control.autoDelete()).isTrue();
		assertThat(part.bindings()).containsExactly(
				new BindingDefinition(EventTopology.EXCHANGE, control.name(), EventTopology.EVERY_STREAM_EVENT));
	}

	@Test
	void locksAStreamWithAnExclusiveQueueNamedAfterItsPublicName() {
		QueueDefinition lock = ThumbnailTopology.lock("my-channel");

		assertThat(lock.name()).isEqualTo("thumbnail.lock.my-channel");
		assertThat(lock.exclusive()).isTrue();
		assertThat(lock.autoDelete()).isFalse();
		assertThat(lock.durable()).isFalse();
	}

	@Test
	void keepsConnectionOwnedQueuesOutOfTheDeploymentDefinitions() {
		assertThat(DeploymentTopology.definitions().queues()).allSatisfy(queue -> assertThat(queue.durable()).isTrue());
	}

}
