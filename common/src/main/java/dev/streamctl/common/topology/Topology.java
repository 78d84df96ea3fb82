package dev.streamctl.common.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A set of broker objects declared together: exchanges, queues and the bindings between
 * them. A part is self-contained (each binding's exchange and queue are in it), so it can
 * be declared on its own; it holds each object once, and two objects of one kind never
 * share a name. Parts combine with {@link #plus(Topology)}; the services turn theirs into
 * declarations, and {@code rabbitmq/definitions.json} holds
 * {@link DeploymentTopology#definitions()}.
 *
 * @param exchanges the exchanges, in declaration order
 * @param queues the queues, in declaration order
 * @param bindings the bindings, in declaration order
 */
public record Topology(List<ExchangeDefinition> exchanges, List<QueueDefinition> queues,
		List<BindingDefinition> bindings) {

	public Topology {
		exchanges = distinct(exchanges);
		queues = distinct(queues);
		bindings = distinct(bindings);
		requireUniqueNames(exchanges, ExchangeDefinition::name, "exchange");
		requireUniqueNames(queues, QueueDefinition::name, "queue");
		Set<String> exchangeNames = names(exchanges, ExchangeDefinition::name);
		Set<String> queueNames = names(queues, QueueDefinition::name);
		for (BindingDefinition binding : bindings) {
			if (!exchangeNames.contains(binding.exchange()) || !queueNames.contains(binding.queue())) {
				throw new IllegalArgumentException(binding + " binds objects that are not in this topology");
			}
		}
	}

	public static Topology empty() {
		return new Topology(List.of(), List.of(), List.of());
	}

	/**
	 * One queue on its own, e.g. a queue that takes messages through the default exchange
	 * only.
	 */
	public static Topology of(QueueDefinition queue) {
		return new Topology(List.of(), List.of(queue), List.of());
	}

	/**
	 * This part and {@code other} together, objects in order of appearance, each object
	 * once.
	 * @throws IllegalArgumentException when both describe an exchange or queue of one
	 * name differently
	 */
	public Topology plus(Topology other) {
		return new Topology(concat(this.exchanges, other.exchanges), concat(this.queues, other.queues),
				concat(this.bindings, other.bindings));
	}

	/** Whether every object of {@code part} is in this topology, as described there. */
	public boolean includes(Topology part) {
		return this.exchanges.containsAll(part.exchanges) && this.queues.containsAll(part.queues)
				&& this.bindings.containsAll(part.bindings);
	}

	public Optional<QueueDefinition> queue(String name) {
		return this.queues.stream().filter(queue -> queue.name().equals(name)).findFirst();
	}

	private static <T> List<T> concat(List<T> first, List<T> second) {
		List<T> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	private static <T> List<T> distinct(List<T> items) {
		return List.copyOf(new LinkedHashSet<>(items));
	}

	private static <T> void requireUniqueNames(List<T> items, Function<T, String> name, String kind) {
		Set<String> seen = new HashSet<>();
		for (T item : items) {
			if (!seen.add(name.apply(item))) {
				throw new IllegalArgumentException("two different " + kind + "s named " + name.apply(item) + ": "
						+ items.stream().filter(other -> name.apply(other).equals(name.apply(item))).toList());
			}
		}
	}

	private static <T> Set<String> names(List<T> items, Function<T, String> name) {
		Set<String> names = new HashSet<>();
		items.forEach(item -> names.add(name.apply(item)));
		return names;
	}

}
