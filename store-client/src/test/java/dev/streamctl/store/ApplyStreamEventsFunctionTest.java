package dev.streamctl.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.streamctl.common.event.StreamKey;
import dev.streamctl.store.AppliedChange.Result;
import dev.streamctl.store.test.StandInDatabase;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The SQL function {@code apply_stream_events} of {@code supabase/migrations}, on the
 * real PostgreSQL, in a database made as the local stand-in makes it (init.sql, then the
 * migrations, by psql), called as PostgREST calls it: by the service role, with the batch
 * as one jsonb argument named {@code events}. Results are read into
 * {@link AppliedChange}, so the names the SQL answers are the ones the client parses.
 */
class ApplyStreamEventsFunctionTest {

	private static final String CALL = "select event_id, result, channel_id from public.apply_stream_events(events => ?::jsonb)";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant T0 = Instant.parse("2026-11-30T12:00:00.000001Z");

	private static StandInDatabase database;

	/** The superuser: makes channels and reads rows. */
	private static Connection admin;

	/** The worker, as PostgREST runs it for the service key. */
	private static Connection worker;

	@BeforeAll
	static void createDatabase() {
		database = StandInDatabase.create("streamctl_apply_events");
		admin = database.connect();
		worker = database.connectAs("service_role");
	}

	@AfterAll
	static void dropDatabase() throws SQLException {
		if (worker != null) {
			worker.close();
		}
		if (admin != null) {
			admin.close();
		}
		if (database != null) {
			database.close();
		}
	}

	@Test
	void appliesTheNewestEventOfEachChannelWhateverTheOrderOfTheBatch() throws SQLException {
		// three events of one channel in each of their six orders, one channel per order,
		// the channels' events interleaved
		List<List<Integer>> orders = List.of(List.of(0, 1, 2), List.of(0, 2, 1), List.of(1, 0, 2), List.of(1, 2, 0),
				List.of(2, 0, 1), List.of(2, 1, 0));
		Map<UUID, List<LiveStateChange>> byChannel = new LinkedHashMap<>();
		for (List<Integer> order : orders) {
			String key = newKey();
			List<LiveStateChange> events = List.of(change(key, LiveState.ONLINE, 1), change(key, LiveState.ONLINE, 2),
					change(key, LiveState.OFFLINE, 3));
			byChannel.put(channel(key), order.stream().map(events::get).toList());
		}
		List<LiveStateChange> batch = new ArrayList<>();
		for (int position = 0; position < 3; position++) {
			for (List<LiveStateChange> events : byChannel.values()) {
				batch.add(events.get(position));
			}
		}

		Map<UUID, AppliedChange> results = byEvent(apply(batch));

		byChannel.forEach((id, events) -> {
			for (LiveStateChange event : events) {
				assertThat(results.get(event.eventId())).as("event at %s", event.at())
					.isEqualTo(new AppliedChange(event.eventId(),
							event.at().equals(at(3)) ? Result.APPLIED : Result.SUPERSEDED, id));
			}
			Row row = row(id);
			assertThat(row.modified()).isEqualTo(at(3));
			assertThat(row.live()).isFalse();
			assertThat(row.lastStatus()).isEqualTo("offline");
		});
	}

	@Test
	void neverOverwritesARowWithAnOlderOrEqualEventAndTakesARowNeverWrittenAsOlderThanAny() throws SQLException {
		String key = newKey();
		UUID id = channel(key);
		LiveStateChange first = new LiveStateChange(UUID.randomUUID(), StreamKey.of(key), LiveState.ONLINE,
				Instant.parse("1970-01-01T00:00:00.000001Z"));
		assertThat(apply(List.of(first))).containsExactly(new AppliedChange(first.eventId(), Result.APPLIED, id));
		LiveStateChange stored = change(key, LiveState.ONLINE, 5);
		apply(List.of(stored));
		Row before = row(id);

		LiveStateChange older = change(key, LiveState.OFFLINE, 4);
		LiveStateChange sameTime = change(key, LiveState.OFFLINE, 5);
		assertThat(apply(List.of(older))).containsExactly(new AppliedChange(older.eventId(), Result.STALE, id));
		assertThat(apply(List.of(sameTime)))
			.containsExactly(new AppliedChange(sameTime.eventId(), Result.DUPLICATE, id));
		// older than the row comes before older than a newer event of the batch
		LiveStateChange olderStill = change(key, LiveState.OFFLINE, 3);
		assertThat(apply(List.of(olderStill, older))).containsExactly(
				new AppliedChange(olderStill.eventId(), Result.STALE, id),
				new AppliedChange(older.eventId(), Result.STALE, id));

		assertThat(row(id)).isEqualTo(before);
		assertThat(before.live()).isTrue();
		assertThat(before.modified()).isEqualTo(at(5));
	}

	@Test
	void aReplayedBatchChangesNothingAndAnswersDuplicateOrStale() throws SQLException {
		String a = newKey();
		String b = newKey();
		UUID idA = channel(a);
		UUID idB = channel(b);
		LiveStateChange aOld = change(a, LiveState.ONLINE, 1);
		LiveStateChange aNew = change(a, LiveState.OFFLINE, 2);
		LiveStateChange bOnly = change(b, LiveState.ONLINE, 7);
		LiveStateChange unknown = change(newKey(), LiveState.ONLINE, 1);
		List<LiveStateChange> batch = List.of(aNew, bOnly, unknown, aOld);
		assertThat(apply(batch)).extracting(AppliedChange::result)
			.containsExactly(Result.APPLIED, Result.APPLIED, Result.UNKNOWN_KEY, Result.SUPERSEDED);
		Map<UUID, Row> before = Map.of(idA, row(idA), idB, row(idB));

		List<AppliedChange> replayed = apply(batch);

		assertThat(replayed).containsExactly(new AppliedChange(aNew.eventId(), Result.DUPLICATE, idA),
				new AppliedChange(bOnly.eventId(), Result.DUPLICATE, idB),
				new AppliedChange(unknown.eventId(), Result.UNKNOWN_KEY, null),
				new AppliedChange(aOld.eventId(), Result.STALE, idA));
		// not even a new row version (xmin): nothing was written
		assertThat(Map.of(idA, row(idA), idB, row(idB))).isEqualTo(before);
	}

	@Test
	void theSameEventTwiceInABatchAppliesOnceAndAnswersDuplicateForTheOther() throws SQLException {
		String key = newKey();
		UUID id = channel(key);
		LiveStateChange publish = change(key, LiveState.ONLINE, 1);

		assertThat(apply(List.of(publish, publish))).containsExactly(
				new AppliedChange(publish.eventId(), Result.APPLIED, id),
				new AppliedChange(publish.eventId(), Result.DUPLICATE, id));
		assertThat(row(id).modified()).isEqualTo(at(1));
		assertThat(apply(List.of(publish, publish))).extracting(AppliedChange::result)
			.containsExactly(Result.DUPLICATE, Result.DUPLICATE);
	}

	@Test
	void ofTwoEventsOfTheSameTimeInABatchTheFirstInTheArrayWinsAsIfAppliedOneAfterTheOther() throws SQLException {
		for (List<LiveState> states : List.of(List.of(LiveState.ONLINE, LiveState.OFFLINE),
				List.of(LiveState.OFFLINE, LiveState.ONLINE))) {
			String key = newKey();
			UUID id = channel(key);
			LiveStateChange first = change(key, states.get(0), 1);
			LiveStateChange second = change(key, states.get(1), 1);

			assertThat(apply(List.of(first, second))).containsExactly(
					new AppliedChange(first.eventId(), Result.APPLIED, id),
					new AppliedChange(second.eventId(), Result.DUPLICATE, id));
			assertThat(row(id).live()).as("%s then %s", states.get(0), states.get(1)).isEqualTo(states.get(0).live());
		}
	}

	@Test
	void answersUnknownKeyWithoutAChannelForAKeyNoChannelHasAndMakesNoRow() throws SQLException {
		String known = newKey();
		UUID id = channel(known);
		long rows = count("select count(*) from public.channels_channel");
		LiveStateChange unknownA = change(newKey(), LiveState.ONLINE, 1);
		LiveStateChange knownEvent = change(known, LiveState.ONLINE, 1);
		LiveStateChange unknownB = change(newKey(), LiveState.OFFLINE, 2);

		assertThat(apply(List.of(unknownA, knownEvent, unknownB))).containsExactly(
				new AppliedChange(unknownA.eventId(), Result.UNKNOWN_KEY, null),
				new AppliedChange(knownEvent.eventId(), Result.APPLIED, id),
				new AppliedChange(unknownB.eventId(), Result.UNKNOWN_KEY, null));
		assertThat(count("select count(*) from public.channels_channel")).isEqualTo(rows);
	}

	@Test
	void goingLiveSetsTheCoverOfTheChannelsPublicNameAndGoingOfflineKeepsIt() throws SQLException {
		String key = newKey();
		UUID id = channel(key);
		String cover = new Channel(id, StreamKey.of(key), false, null).cover();

		apply(List.of(change(key, LiveState.ONLINE, 1)));
		assertThat(row(id)).extracting(Row::live, Row::lastStatus, Row::cover).containsExactly(true, "online", cover);

		apply(List.of(change(key, LiveState.OFFLINE, 2)));
		assertThat(row(id)).extracting(Row::live, Row::lastStatus, Row::cover, Row::modified)
			.containsExactly(false, "offline", cover, at(2));

		execute("update public.channels_channel set cover = 'chosen-by-hand.jpg' where id = '" + id + "'");
		apply(List.of(change(key, LiveState.OFFLINE, 3)));
		assertThat(row(id).cover()).isEqualTo("chosen-by-hand.jpg");
		apply(List.of(change(key, LiveState.ONLINE, 4)));
		assertThat(row(id).cover()).isEqualTo(cover);
	}

	@Test
	void theDemoChannelGoesLiveWithTheCoverTheDeploymentGuideNames() throws SQLException {
		UUID demo = UUID.fromString("4b7a3c2e-9d1f-4e6a-8c5b-2f0e7d9a1c34");

		assertThat(apply(List.of(change("demo-key-change-me", LiveState.ONLINE, 1))))
			.extracting(AppliedChange::result, AppliedChange::channelId)
			.containsExactly(tuple(Result.APPLIED, demo));
		assertThat(row(demo).cover()).isEqualTo("2337939e69f3303451ce4b84ce1422a4.jpg");
	}

	@Test
	void answersExactlyOneResultPerElementInTheElementsOrderAndAppliesOnePerChannel() throws SQLException {
		List<String> keys = IntStream.range(0, 5).mapToObj(i -> newKey()).toList();
		Map<String, UUID> ids = new HashMap<>();
		keys.forEach(key -> ids.put(key, channel(key)));
		Random random = new Random(13);
		List<LiveStateChange> batch = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			if (i % 7 == 3 && !batch.isEmpty()) {
				batch.add(batch.get(random.nextInt(batch.size())));
			}
			else if (i % 11 == 5) {
				batch.add(change(newKey(), LiveState.ONLINE, i));
			}
			else {
				batch.add(change(keys.get(random.nextInt(keys.size())),
						random.nextBoolean() ? LiveState.ONLINE : LiveState.OFFLINE, random.nextInt(20)));
			}
		}

		List<AppliedChange> results = apply(batch);

		assertThat(results).hasSize(batch.size());
		Map<UUID, Long> appliedPerChannel = results.stream()
			.filter(result -> result.result() == Result.APPLIED)
			.collect(Collectors.groupingBy(AppliedChange::channelId, Collectors.counting()));
		assertThat(appliedPerChannel).containsOnlyKeys(ids.values())
			.allSatisfy((id, applied) -> assertThat(applied).isOne());
		for (String key : keys) {
			Instant newest = batch.stream()
				.filter(event -> event.key().value().equals(key))
				.map(LiveStateChange::at)
				.max(Instant::compareTo)
				.orElseThrow();
			assertThat(row(ids.get(key)).modified()).isEqualTo(newest);
		}
	}

	@Test
	void concurrentBatchesOverTheSameChannelsInOppositeOrdersNeverDeadlockAndTheNewestEventWins() throws Exception {
		int channels = 120;
		int rounds = 40;
		List<String> keys = IntStream.range(0, channels).mapToObj(i -> newKey()).toList();
		Map<String, UUID> ids = new HashMap<>();
		keys.forEach(key -> ids.put(key, channel(key)));
		// Worker one applies the first three quarters of the channels in ascending order,
		// worker two the last three quarters in descending order, one batch each per
		// round, both starting every round together. Each round's events are newer than
		// the last round's, so most of them write (and lock) their rows; within a round
		// the times are shuffled between the workers, so either may hold a channel's
		// newest event.
		List<String> one = keys.subList(0, channels * 3 / 4);
		List<String> two = new ArrayList<>(keys.subList(channels / 4, channels));
		Collections.reverse(two);
		Random random = new Random(42);
		List<List<LiveStateChange>> batchesOne = new ArrayList<>();
		List<List<LiveStateChange>> batchesTwo = new ArrayList<>();
		int perRound = one.size() + two.size();
		for (int round = 0; round < rounds; round++) {
			List<Integer> times = IntStream.range(round * perRound, (round + 1) * perRound)
				.boxed()
				.collect(Collectors.toCollection(ArrayList::new));
			Collections.shuffle(times, random);
			batchesOne.add(batch(one, times.subList(0, one.size()), random));
			batchesTwo.add(batch(two, times.subList(one.size(), perRound), random));
		}

		CyclicBarrier everyRound = new CyclicBarrier(2);
		ExecutorService workers = Executors.newFixedThreadPool(2);
		List<AppliedChange> results = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		try (Connection first = database.connectAs("service_role");
				Connection second = database.connectAs("service_role")) {
			List<CompletableFuture<List<AppliedChange>>> applying = List.of(
					CompletableFuture.supplyAsync(() -> applyAll(first, batchesOne, everyRound), workers),
					CompletableFuture.supplyAsync(() -> applyAll(second, batchesTwo, everyRound), workers));
			for (CompletableFuture<List<AppliedChange>> worker : applying) {
				try {
					results.addAll(worker.get(3, TimeUnit.MINUTES));
				}
				catch (ExecutionException ex) {
					failures.add(ex.getCause());
				}
			}
		}
		finally {
			workers.shutdownNow();
		}
		assertThat(failures).as("the workers' failures (SQLSTATE 40P01 is a deadlock)").isEmpty();

		Map<UUID, AppliedChange> resultOf = byEvent(results);
		Map<String, LiveStateChange> newest = new HashMap<>();
		for (List<LiveStateChange> batch : concat(batchesOne, batchesTwo)) {
			for (LiveStateChange event : batch) {
				newest.merge(event.key().value(), event, (a, b) -> a.at().isAfter(b.at()) ? a : b);
			}
		}
		assertThat(newest).hasSize(channels);
		newest.forEach((key, event) -> {
			Row row = row(ids.get(key));
			assertThat(row.modified()).as("modified of a channel").isEqualTo(event.at());
			assertThat(row.live()).isEqualTo(event.state().live());
			assertThat(row.lastStatus()).isEqualTo(event.state().status());
			assertThat(resultOf.get(event.eventId()).result()).isEqualTo(Result.APPLIED);
		});
	}

	@Test
	void appliesABatchOfTenThousandEventsInOneCall() throws SQLException {
		String prefix = "bulk-" + UUID.randomUUID();
		execute("insert into public.channels_channel (name, stream_id) select 'bulk ' || n, '" + prefix
				+ "-' || n from generate_series(0, 9999) as n");
		List<LiveStateChange> batch = IntStream.range(0, 10_000)
			.mapToObj(n -> change(prefix + "-" + n, (n % 3 == 0) ? LiveState.OFFLINE : LiveState.ONLINE, n))
			.toList();

		assertThat(apply(batch)).hasSize(10_000)
			.allSatisfy(result -> assertThat(result.result()).isEqualTo(Result.APPLIED));

		Map<String, Row> rows = rowsByKey(prefix + "-%");
		assertThat(rows).hasSize(10_000);
		for (LiveStateChange event : batch) {
			Row row = rows.get(event.key().value());
			assertThat(row.modified()).isEqualTo(event.at());
			assertThat(row.live()).isEqualTo(event.state().live());
		}
		assertThat(apply(batch)).allSatisfy(result -> assertThat(result.result()).isEqualTo(Result.DUPLICATE));
		assertThat(rowsByKey(prefix + "-%")).isEqualTo(rows);
	}

	@ParameterizedTest
	@ValueSource(strings = { "anon", "authenticated" })
	void supabasesApiRolesMayNotExecuteIt(String role) throws SQLException {
		String key = newKey();
		UUID id = channel(key);
		Row before = row(id);

		try (Connection connection = database.connectAs(role)) {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> apply(connection, List.of(change(key, LiveState.ONLINE, 1))))
				.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo("42501"))
				.withMessageContaining("permission denied for function apply_stream_events");
		}
		assertThat(row(id)).isEqualTo(before);
	}

	@Test
	void onlyTheServiceRoleAndTheOwnerMayExecuteItThoughTheStandInGrantsNewFunctionsToTheApiRoles()
			throws SQLException {
		assertThat(executors()).containsExactlyInAnyOrder("postgres", "service_role");
		// as on Supabase, a function made in public is executable by anon and
		// authenticated unless revoked: the migration's revoke keeps them out
		execute("create function public.probe() returns int language sql as 'select 1'");
		try {
			assertThat(count("select count(*) from unnest(array['anon', 'authenticated']) as role "
					+ "where has_function_privilege(role, 'public.probe()', 'execute')"))
				.isEqualTo(2);
		}
		finally {
			execute("drop function public.probe()");
		}
	}

	@Test
	void runsWithItsCallersRightsAndAnEmptySearchPath() throws SQLException {
		try (Statement statement = admin.createStatement();
				ResultSet function = statement.executeQuery("select prosecdef, proconfig from pg_proc "
						+ "where oid = 'public.apply_stream_events(jsonb)'::regprocedure")) {
			assertThat(function.next()).isTrue();
			assertThat(function.getBoolean("prosecdef")).as("security definer").isFalse();
			assertThat((String[]) function.getArray("proconfig").getArray()).containsExactly("search_path=\"\"");
		}
	}

	@Test
	void theMigrationAppliesTwiceWithTheSameEffect() throws SQLException {
		StandInDatabase.migrations().forEach(database::load);

		assertThat(executors()).containsExactlyInAnyOrder("postgres", "service_role");
		String key = newKey();
		UUID id = channel(key);
		assertThat(apply(List.of(change(key, LiveState.ONLINE, 1)))).extracting(AppliedChange::result)
			.containsExactly(Result.APPLIED);
		assertThat(row(id).live()).isTrue();
	}

	@Test
	void refusesAMalformedBatchWholeNamingTheElementButNeverItsKey() throws SQLException {
		String key = newKey();
		UUID id = channel(key);
		Row before = row(id);
		String valid = "{\"event_id\": \"" + UUID.randomUUID() + "\", \"stream_key\": \"" + key
				+ "\", \"live\": true, \"at\": \"" + at(1) + "\"}";

		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> call(worker,
					"[" + valid + ", {\"event_id\": \"" + UUID.randomUUID() + "\", \"stream_key\": \"" + key
							+ "\", \"at\": \"" + at(2) + "\"}]"))
			.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo("22023"))
			.withMessageContaining("element 2")
			.withMessageNotContaining(key);
		assertThatExceptionOfType(SQLException.class).as("a time without its offset")
			.isThrownBy(() -> call(worker, "[" + valid.replace("Z\"", "\"") + "]"))
			.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo("22023"))
			.withMessageContaining("element 1");
		assertThatExceptionOfType(SQLException.class).as("not an array")
			.isThrownBy(() -> call(worker, valid))
			.satisfies(ex -> assertThat(ex.getSQLState()).isEqualTo("22023"))
			.withMessageContaining("not a JSON array");
		assertThat(row(id)).isEqualTo(before);
	}

	// --- calls

	private static List<AppliedChange> apply(List<LiveStateChange> batch) throws SQLException {
		return apply(worker, batch);
	}

	/**
	 * Calls the function with a batch, and checks that it answered one result per
	 * element, in the elements' order.
	 */
	private static List<AppliedChange> apply(Connection connection, List<LiveStateChange> batch) throws SQLException {
		ArrayNode events = JSON.createArrayNode();
		for (LiveStateChange change : batch) {
			events.addObject()
				.put("event_id", change.eventId().toString())
				.put("stream_key", change.key().value())
				.put("live", change.state().live())
				.put("at", change.at().toString());
		}
		List<AppliedChange> results = call(connection, JSON.writeValueAsString(events));
		assertThat(results).extracting(AppliedChange::eventId)
			.as("one result per element, in order")
			.containsExactlyElementsOf(batch.stream().map(LiveStateChange::eventId).toList());
		return results;
	}

	private static List<AppliedChange> call(Connection connection, String events) throws SQLException {
		List<AppliedChange> results = new ArrayList<>();
		try (PreparedStatement call = connection.prepareStatement(CALL)) {
			call.setString(1, events);
			try (ResultSet answer = call.executeQuery()) {
				while (answer.next()) {
					results.add(new AppliedChange(answer.getObject("event_id", UUID.class),
							Result.valueOf(answer.getString("result").toUpperCase(Locale.ROOT)),
							answer.getObject("channel_id", UUID.class)));
				}
			}
		}
		return results;
	}

	/**
	 * Applies the batches one after the other, each once the other worker is ready for
	 * its batch of the same round.
	 */
	private static List<AppliedChange> applyAll(Connection connection, List<List<LiveStateChange>> batches,
			CyclicBarrier everyRound) {
		try {
			List<AppliedChange> results = new ArrayList<>();
			for (List<LiveStateChange> batch : batches) {
				everyRound.await(1, TimeUnit.MINUTES);
				results.addAll(apply(connection, batch));
			}
			return results;
		}
		catch (SQLException ex) {
			// the other worker stops waiting for this one
			everyRound.reset();
			throw new IllegalStateException("a batch failed with SQLSTATE " + ex.getSQLState(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (BrokenBarrierException | TimeoutException ex) {
			everyRound.reset();
			throw new IllegalStateException("the other worker stopped", ex);
		}
	}

	/** One event per key, in the keys' order, at the given times. */
	private static List<LiveStateChange> batch(List<String> keys, List<Integer> times, Random random) {
		List<LiveStateChange> events = new ArrayList<>();
		for (int k = 0; k < keys.size(); k++) {
			events.add(change(keys.get(k), random.nextBoolean() ? LiveState.ONLINE : LiveState.OFFLINE, times.get(k)));
		}
		return events;
	}

	// --- rows

	private record Row(UUID id, String streamId, boolean live, String lastStatus, @Nullable String cover,
			@Nullable Instant modified, long version) {
	}

	private static Row row(UUID id) {
		List<Row> rows = rows("id = '" + id + "'");
		assertThat(rows).hasSize(1);
		return rows.get(0);
	}

	private static Map<String, Row> rowsByKey(String pattern) {
		return rows("stream_id like '" + pattern + "'").stream()
			.collect(Collectors.toMap(Row::streamId, Function.identity()));
	}

	/** Rows as they are, with their version: xmin, which every write of a row renews. */
	private static List<Row> rows(String condition) {
		List<Row> rows = new ArrayList<>();
		try (Statement statement = admin.createStatement();
				ResultSet result = statement
					.executeQuery("select id, stream_id, is_on_live, last_status, cover, modified, "
							+ "xmin::text::bigint as version from public.channels_channel where " + condition)) {
			while (result.next()) {
				OffsetDateTime modified = result.getObject("modified", OffsetDateTime.class);
				rows.add(new Row(result.getObject("id", UUID.class), result.getString("stream_id"),
						result.getBoolean("is_on_live"), result.getString("last_status"), result.getString("cover"),
						(modified != null) ? modified.toInstant() : null, result.getLong("version")));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return rows;
	}

	private static UUID channel(String key) {
		try (PreparedStatement insert = admin
			.prepareStatement("insert into public.channels_channel (name, stream_id) values (?, ?) returning id")) {
			insert.setString(1, "channel");
			insert.setString(2, key);
			try (ResultSet id = insert.executeQuery()) {
				assertThat(id.next()).isTrue();
				return id.getObject(1, UUID.class);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void execute(String sql) throws SQLException {
		try (Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long count(String sql) throws SQLException {
		try (Statement statement = admin.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).isTrue();
			return result.getLong(1);
		}
	}

	/** The roles that may execute the function, PUBLIC named as such. */
	private static List<String> executors() throws SQLException {
		List<String> roles = new ArrayList<>();
		try (Statement statement = admin.createStatement();
				ResultSet result = statement
					.executeQuery("select coalesce(role.rolname, 'PUBLIC') from pg_proc as function "
							+ "cross join aclexplode(function.proacl) as grant_ "
							+ "left join pg_roles as role on role.oid = grant_.grantee "
							+ "where function.oid = 'public.apply_stream_events(jsonb)'::regprocedure "
							+ "and grant_.privilege_type = 'EXECUTE'")) {
			while (result.next()) {
				roles.add(result.getString(1));
			}
		}
		return roles;
	}

	// --- events

	private static String newKey() {
		return "key-" + UUID.randomUUID();
	}

	private static Instant at(long micros) {
		return T0.plus(micros, ChronoUnit.MICROS);
	}

	private static LiveStateChange change(String key, LiveState state, long micros) {
		return new LiveStateChange(UUID.randomUUID(), StreamKey.of(key), state, at(micros));
	}

	private static Map<UUID, AppliedChange> byEvent(List<AppliedChange> results) {
		return results.stream().collect(Collectors.toMap(AppliedChange::eventId, Function.identity()));
	}

	@SafeVarargs
	private static <T> List<T> concat(List<T>... lists) {
		List<T> all = new ArrayList<>();
		for (List<T> list : lists) {
			all.addAll(list);
		}
		return all;
	}

}
