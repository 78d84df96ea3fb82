package dev.streamctl.gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventSpoolTest {

	@TempDir
	Path directory;

	@Test
	void givesEntriesBackOldestFirstAcrossARestart() {
		EventSpool spool = new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf);
		List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
		ids.forEach(id -> spool.append(id, "s", body(id)));

		EventSpool resumed = new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf);

		assertThat(resumed.oldest(10)).extracting(EventSpool.Entry::eventId).containsExactlyElementsOf(ids);
		assertThat(resumed.read(resumed.oldest(1).get(0))).isEqualTo(body(ids.get(0)));
		assertThat(resumed.bytes()).isEqualTo(3L * body(ids.get(0)).length);
		UUID later = UUID.randomUUID();
		resumed.append(later, "s", body(later));
		assertThat(resumed.oldest(10)).extracting(EventSpool.Entry::eventId).endsWith(later);
	}

	@Test
	void dropsAPartialWriteLeftByACrashAtStart() throws Exception {
		Path partial = this.directory.resolve("0000000000000000001." + UUID.randomUUID() + ".json.partial");
		Files.writeString(partial, "{\"type\":\"stream.pub");

		EventSpool spool = new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf);

		assertThat(spool.isEmpty()).isTrue();
		assertThat(partial).doesNotExist();
	}

	@Test
	void refusesAnEntryPastItsSizeAndTakesMoreOnceDrained() {
		UUID first = UUID.randomUUID();
		EventSpool spool = new EventSpool(this.directory, body(first).length, EventSpoolTest::streamOf);
		spool.append(first, "s", body(first));

		assertThatExceptionOfType(SpoolFullException.class)
			.isThrownBy(() -> spool.append(UUID.randomUUID(), "s", body(first)))
			.withMessageContaining("gateway.delivery.spool-max-size");
		assertThat(spool.isWritable()).isFalse();

		spool.remove(spool.oldest(1).get(0));
		spool.append(UUID.randomUUID(), "s", body(first));
		assertThat(spool.depth()).isEqualTo(1);
	}

	@Test
	void removesAnEntryByEventIdWhenItsConfirmCameLate() {
		EventSpool spool = new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf);
		UUID id = UUID.randomUUID();
		spool.append(id, "s", body(id));

		spool.remove(id);
		spool.remove(id);

		assertThat(spool.isEmpty()).isTrue();
		assertThat(spool.bytes()).isZero();
		assertThat(this.directory).isEmptyDirectory();
	}

	@Test
	void setsAnUnreadableEntryAsideForAnOperator() {
		EventSpool spool = new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf);
		UUID id = UUID.randomUUID();
		spool.append(id, "s", body(id));

		Path aside = spool.quarantine(spool.oldest(1).get(0));

		assertThat(aside).exists().hasFileName("0000000000000000001." + id + ".json.corrupt");
		assertThat(new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf).isEmpty()).isTrue();
	}

	@Test
	void knowsWhichStreamsHaveEventsWaitingAcrossARestart() {
		EventSpool spool = new EventSpool(this.directory, 1_000_000, EventSpoolTest::streamOf);
		UUID first = UUID.randomUUID();
		UUID second = UUID.randomUUID();
		spool.append(first, "a", body(first));
		spool.append(second, "a", body(second));

		spool.remove(first);
		assertThat(spool.holds("a")).isTrue();
		assertThat(new EventSpool(this.directory, 1_000_000, body -> "a").holds("a")).isTrue();
		spool.remove(second);

		assertThat(spool.holds("a")).isFalse();
		assertThat(spool.holds("b")).isFalse();
	}

	private static String streamOf(byte[] body) {
		return "s";
	}

	private static byte[] body(UUID id) {
		return ("{\"eventId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
	}

}
