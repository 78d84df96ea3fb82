package dev.streamctl.common.test.postgrest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakePostgrestTest {

	private static final String TABLE = "/rest/v1/channels_channel";

	private static final String JSON = "application/json; charset=utf-8";

	private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private FakePostgrest fake;

	@BeforeEach
	void start() {
		this.fake = new FakePostgrest();
	}

	@AfterEach
	void stop() {
		this.fake.close();
	}

	@Nested
	class Auth {

		@Test
		void missingApiKeyIsRejectedByTheGateway() throws Exception {
			HttpResponse<String> response = send(HttpRequest.newBuilder(uri(TABLE)).GET());

			assertError(response, 401, "{\"message\":\"No API key found in request\","
					+ "\"hint\":\"No `apikey` request header or url param was found.\"}");
		}

		@Test
		void unknownApiKeyIsRejectedByTheGateway() throws Exception {
			HttpResponse<String> response = send(HttpRequest.newBuilder(uri(TABLE)).header("apikey", "nope").GET());

			assertError(response, 401, "{\"message\":\"Invalid API key\","
					+ "\"hint\":\"Double check your Supabase `anon` or `service_role` API key.\"}");
		}

		@Test
		void bearerTokenOtherThanTheApiKeyIsAnInvalidJwt() throws Exception {
			HttpResponse<String> response = send(HttpRequest.newBuilder(uri(TABLE))
				.header("apikey", FakePostgrest.ANON_KEY)
				.header("Authorization", "Bearer " + FakePostgrest.SERVICE_KEY)
				.GET());

			assertError(response, 401,
					"{\"code\":\"PGRST301\",\"details\":null,\"hint\":null,\"message\":\"JWSError JWSInvalidSignature\"}");
			assertThat(response.headers().firstValue("WWW-Authenticate"))
				.hasValue("Bearer error=\"invalid_token\", error_description=\"JWSError JWSInvalidSignature\"");
		}

		@Test
		void keyIsAcceptedInTheHeaderWithoutBearerOrAsQueryParameter() throws Exception {
			assertThat(send(HttpRequest.newBuilder(uri(TABLE)).header("apikey", FakePostgrest.ANON_KEY).GET())
				.statusCode()).isEqualTo(200);
			assertThat(
					send(HttpRequest.newBuilder(uri(TABLE + "?apikey=" + FakePostgrest.ANON_KEY)).GET()).statusCode())
				.isEqualTo(200);
		}

	}

	@Nested
	class Routing {

		@Test
		void unknownTableIsNotInTheSchemaCache() throws Exception {
			assertError(get("/rest/v1/channels"), 404,
					"{\"code\":\"PGRST205\",\"details\":null,"
							+ "\"hint\":\"Perhaps you meant the table 'public.channels_channel'\","
							+ "\"message\":\"Could not find the table 'public.channels' in the schema cache\"}");
		}

		@Test
		void otherPathsAreInvalid() throws Exception {
			String invalid = "{\"code\":\"PGRST125\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"Invalid path specified in request URL\"}";

			assertError(get("/rest/v1/"), 404, invalid);
			assertError(get(TABLE + "/x"), 404, invalid);
			assertError(get("/auth/v1/user"), 404, invalid);
		}

		@Test
		void methodsOtherThanGetAndPatchAreUnsupported() throws Exception {
			assertError(send(authorized(TABLE).POST(BodyPublishers.ofString("{}"))), 405,
					"{\"code\":\"PGRST117\",\"details\":null,\"hint\":null,\"message\":\"Unsupported HTTP method: POST\"}");
			assertError(send(authorized(TABLE + "?id=eq.1").DELETE()), 405,
					"{\"code\":\"PGRST117\",\"details\":null,\"hint\":null,\"message\":\"Unsupported HTTP method: DELETE\"}");
		}

	}

	@Nested
	class Read {

		@Test
		void answersRowsAsPostgrestWritesThem() throws Exception {
			UUID first = FakePostgrestTest.this.fake.addChannel("alpha");
			UUID second = FakePostgrestTest.this.fake.addChannel("beta", true,
					Instant.parse("2026-11-24T10:15:30.123Z"));

			HttpResponse<String> response = get(TABLE);

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
			assertThat(response.headers().firstValue("Content-Range")).hasValue("0-1/*");
			assertThat(response.headers().firstValue("Content-Location")).hasValue("/channels_channel");
			assertThat(response.body()).isEqualTo("[{\"id\":\"" + first
					+ "\",\"stream_id\":\"alpha\",\"is_on_live\":false,\"last_status\":\"offline\",\"cover\":null,"
					+ "\"modified\":null}, \n {\"id\":\"" + second
					+ "\",\"stream_id\":\"beta\",\"is_on_live\":true,\"last_status\":\"online\",\"cover\":null,"
					+ "\"modified\":\"2026-11-24T10:15:30.123+00:00\"}]");
		}

		@Test
		void countsWhenAskedAndShowsAnEmptyRangeAsStar() throws Exception {
			FakePostgrestTest.this.fake.addChannel("a");
			FakePostgrestTest.this.fake.addChannel("b");

			HttpResponse<String> counted = get(TABLE + "?select=stream_id", "Prefer", "count=exact");
			HttpResponse<String> empty = get(TABLE + "?stream_id=eq.zzz");
			HttpResponse<String> emptyCounted = get(TABLE + "?stream_id=eq.zzz", "Prefer", "count=exact");

			assertThat(counted.headers().firstValue("Content-Range")).hasValue("0-1/2");
			assertThat(counted.headers().firstValue("Preference-Applied")).hasValue("count=exact");
			assertThat(empty.body()).isEqualTo("[]");
			assertThat(empty.headers().firstValue("Content-Range")).hasValue("*/*");
			assertThat(emptyCounted.statusCode()).isEqualTo(200);
			assertThat(emptyCounted.headers().firstValue("Content-Range")).hasValue("*/0");
		}

		@Test
		void selectsColumnsWithAliasesAndRejectsUnknownOnes() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");

			assertThat(get(TABLE + "?select=key:stream_id,id").body())
				.isEqualTo("[{\"key\":\"a\",\"id\":\"" + id + "\"}]");
			assertError(get(TABLE + "?select=id,nope"), 400, "{\"code\":\"42703\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"column channels_channel.nope does not exist\"}");
			assertThat(get(TABLE + "?select=").body()).contains("\"code\":\"PGRST100\"")
				.contains("failed to parse select parameter ()");
		}

		@Test
		void filtersByTypedComparisonsWhereNullNeverMatches() throws Exception {
			UUID old = FakePostgrestTest.this.fake.addChannel("old", false, Instant.parse("2026-01-01T00:00:00Z"));
			UUID fresh = FakePostgrestTest.this.fake.addChannel("fresh", true, Instant.parse("2026-06-01T00:00:00Z"));
			UUID never = FakePostgrestTest.this.fake.addChannel("never");

			assertThat(ids(TABLE + "?stream_id=eq.old")).containsExactly(old);
			assertThat(ids(TABLE + "?stream_id=neq.old")).containsExactly(fresh, never);
			assertThat(ids(TABLE + "?modified=neq.2026-01-01T00:00:00Z")).containsExactly(fresh);
			assertThat(ids(TABLE + "?modified=lt.2026-03-01T00:00:00Z")).containsExactly(old);
			assertThat(ids(TABLE + "?modified=gte.2026-01-01T01:00:00%2B01:00")).containsExactly(old, fresh);
			assertThat(ids(TABLE + "?modified=is.null")).containsExactly(never);
			assertThat(ids(TABLE + "?modified=not.is.null")).containsExactly(old, fresh);
			assertThat(ids(TABLE + "?is_on_live=is.true")).containsExactly(fresh);
			assertThat(ids(TABLE + "?is_on_live=eq.false&stream_id=neq.never")).containsExactly(old);
			assertThat(ids(TABLE + "?id=in.(" + never + ",%22" + old + "%22)")).containsExactly(old, never);
			assertThat(ids(TABLE + "?id=not.in.(" + never + ")")).containsExactly(old, fresh);
		}

		@Test
		void inListValuesMayBeQuoted() throws Exception {
			FakePostgrestTest.this.fake.addChannel("a,b");
			UUID spaced = FakePostgrestTest.this.fake.addChannel("c d");

			assertThat(ids(TABLE + "?stream_id=in.(%22c%20d%22,x)")).containsExactly(spaced);
			assertThat(ids(TABLE + "?stream_id=in.(%22a,b%22)")).hasSize(1);
			assertThat(ids(TABLE + "?stream_id=in.()")).isEmpty();
		}

		@Test
		void orGroupIsAndedWithTheOtherFilters() throws Exception {
			UUID stale = FakePostgrestTest.this.fake.addChannel("k", false, Instant.parse("2026-11-24T09:00:00Z"));
			UUID never = FakePostgrestTest.this.fake.addChannel("k");
			FakePostgrestTest.this.fake.addChannel("k", false, Instant.parse("2026-11-24T11:00:00Z"));
			FakePostgrestTest.this.fake.addChannel("other");

			assertThat(ids(TABLE + "?stream_id=eq.k&or=(modified.is.null,modified.lt.2026-11-24T10:00:00Z)"))
				.containsExactly(stale, never);
			assertThat(ids(TABLE + "?not.or=(modified.is.null,stream_id.eq.other)")).hasSize(2);
			assertThat(ids(TABLE + "?or=(stream_id.eq.other,and(stream_id.eq.k,modified.is.null))")).hasSize(2);
		}

		@Test
		void badLiteralsAreErrorsOfTheColumnType() throws Exception {
			assertError(get(TABLE + "?id=eq.abc"), 400, "{\"code\":\"22P02\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"invalid input syntax for type uuid: \\\"abc\\\"\"}");
			assertError(get(TABLE + "?is_on_live=eq.maybe"), 400, "{\"code\":\"22P02\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"invalid input syntax for type boolean: \\\"maybe\\\"\"}");
			assertError(get(TABLE + "?modified=lt.yesterday"), 400,
					"{\"code\":\"22007\",\"details\":null,\"hint\":null,"
							+ "\"message\":\"invalid input syntax for type timestamp with time zone: \\\"yesterday\\\"\"}");
		}

		@Test
		void plusInTheQueryStringIsASpaceSoAnUnencodedOffsetBreaksTheTimestamp() throws Exception {
			FakePostgrestTest.this.fake.addChannel("a", false, Instant.parse("2025-01-01T00:00:00Z"));

			assertError(get(TABLE + "?modified=lt.2026-01-01T00:00:00+00:00"), 400,
					"{\"code\":\"22007\",\"details\":null,\"hint\":null,\"message\":\"invalid input syntax for type "
							+ "timestamp with time zone: \\\"2026-01-01T00:00:00 00:00\\\"\"}");
			assertThat(ids(TABLE + "?modified=lt.2026-01-01T00:00:00%2B00:00")).hasSize(1);
		}

		@Test
		void malformedFiltersAndUnknownColumnsAreRejected() throws Exception {
			assertError(get(TABLE + "?nope=eq.1"), 400, "{\"code\":\"42703\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"column channels_channel.nope does not exist\"}");
			for (String malformed : List.of("id=eq", "id=not.foo.x", "modified=is.maybe", "id=in.a,b", "or=(id.foo.1)",
					"or=(id.eq.1")) {
				HttpResponse<String> response = get(TABLE + "?" + malformed);
				assertThat(response.statusCode()).as(malformed).isEqualTo(400);
				assertThat(response.body()).as(malformed)
					.startsWith("{\"code\":\"PGRST100\",\"details\":\"")
					.contains("\"hint\":null,\"message\":\"\\\"failed to parse ");
			}
		}

		@Test
		void logicTreeIsParsedAfterItsOperatorAsPostgrestDoes() throws Exception {
			assertError(get(TABLE + "?or=id.eq.1"), 400, "{\"code\":\"42703\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"column channels_channel.orid does not exist\"}");
		}

		@Test
		void parametersWithoutAnOperatorAreIgnoredAsPostgrestDoes() throws Exception {
			FakePostgrestTest.this.fake.addChannel("a");
			FakePostgrestTest.this.fake.addChannel("b");

			assertThat(ids(TABLE + "?stream_id=a")).hasSize(2);
			assertThat(ids(TABLE + "?stream_id=foo.bar")).hasSize(2);
		}

		@Test
		void ordersLimitsAndOffsets() throws Exception {
			UUID b = FakePostgrestTest.this.fake.addChannel("b");
			UUID c = FakePostgrestTest.this.fake.addChannel("c");
			UUID a = FakePostgrestTest.this.fake.addChannel("a");

			assertThat(ids(TABLE + "?order=stream_id.desc")).containsExactly(c, b, a);
			HttpResponse<String> page = get(TABLE + "?order=stream_id.asc&limit=1&offset=1");
			HttpResponse<String> counted = get(TABLE + "?order=stream_id&limit=1&offset=1", "Prefer", "count=exact");
			HttpResponse<String> beyond = get(TABLE + "?offset=5", "Prefer", "count=exact");

			assertThat(page.body()).contains(b.toString());
			assertThat(page.headers().firstValue("Content-Range")).hasValue("1-1/*");
			assertThat(counted.statusCode()).isEqualTo(206);
			assertThat(counted.headers().firstValue("Content-Range")).hasValue("1-1/3");
			assertError(beyond, 416, "{\"code\":\"PGRST103\",\"details\":\"An offset of 5 was requested, but there are "
					+ "only 3 rows.\",\"hint\":null,\"message\":\"Requested range not satisfiable\"}");
			assertThat(get(TABLE + "?order=stream_id.sideways").body()).contains("PGRST100");
		}

		@Test
		void singleObjectIsAnsweredOnlyForExactlyOneRow() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");
			FakePostgrestTest.this.fake.addChannel("b");
			String object = "application/vnd.pgrst.object+json";

			HttpResponse<String> one = get(TABLE + "?select=id&stream_id=eq.a", "Accept", object);

			assertThat(one.statusCode()).isEqualTo(200);
			assertThat(one.headers().firstValue("Content-Type")).hasValue(object + "; charset=utf-8");
			assertThat(one.body()).isEqualTo("{\"id\":\"" + id + "\"}");
			assertError(get(TABLE + "?stream_id=eq.zzz", "Accept", object), 406,
					"{\"code\":\"PGRST116\"," + "\"details\":\"The result contains 0 rows\",\"hint\":null,"
							+ "\"message\":\"JSON object requested, multiple (or no) rows returned\"}");
			assertThat(get(TABLE, "Accept", object).body()).contains("\"details\":\"The result contains 2 rows\"");
		}

		@Test
		void unavailableMediaTypeIsNotAcceptable() throws Exception {
			assertError(get(TABLE, "Accept", "text/html"), 406, "{\"code\":\"PGRST107\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"None of these media types are available: text/html\"}");
		}

	}

	@Nested
	class Update {

		@Test
		void minimalReturnAnswers204WithTheRangeOfChangedRows() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");

			HttpResponse<String> changed = patch(TABLE + "?id=eq." + id,
					"{\"is_on_live\":true,\"last_status\":\"online\"}");
			HttpResponse<String> none = patch(TABLE + "?stream_id=eq.zzz", "{\"is_on_live\":true}");
			HttpResponse<String> counted = patch(TABLE + "?id=eq." + id, "{\"cover\":\"c.jpg\"}", "Prefer",
					"return=minimal, count=exact");
			HttpResponse<String> countedNone = patch(TABLE + "?stream_id=eq.zzz", "{\"cover\":\"x\"}", "Prefer",
					"count=exact");

			assertThat(changed.statusCode()).isEqualTo(204);
			assertThat(changed.body()).isEmpty();
			assertThat(changed.headers().firstValue("Content-Range")).hasValue("0-0/*");
			assertThat(none.headers().firstValue("Content-Range")).hasValue("*/*");
			assertThat(counted.headers().firstValue("Content-Range")).hasValue("0-0/1");
			assertThat(counted.headers().firstValue("Preference-Applied")).hasValue("return=minimal, count=exact");
			assertThat(countedNone.headers().firstValue("Content-Range")).hasValue("*/0");
			assertThat(FakePostgrestTest.this.fake.row(id)).containsEntry("is_on_live", true)
				.containsEntry("last_status", "online")
				.containsEntry("cover", "c.jpg");
		}

		@Test
		void representationAnswersTheUpdatedRowsWithTheSelectedColumns() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");
			FakePostgrestTest.this.fake.addChannel("b");

			HttpResponse<String> response = patch(TABLE + "?select=id,modified&stream_id=eq.a",
					"{\"modified\":\"2026-11-24T11:15:30.1234567+01:00\"}", "Prefer", "return=representation");

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
			assertThat(response.headers().firstValue("Content-Range")).hasValue("0-0/*");
			assertThat(response.body())
				.isEqualTo("[{\"id\":\"" + id + "\",\"modified\":\"2026-11-24T10:15:30.123457+00:00\"}]");
			assertThat(FakePostgrestTest.this.fake.row(id).get("modified"))
				.isEqualTo(Instant.parse("2026-11-24T10:15:30.123457Z"));
		}

		@Test
		void badBodiesAreRejected() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");
			String target = TABLE + "?id=eq." + id;

			assertError(patch(target, "{\"nope\":1}"), 400, "{\"code\":\"PGRST204\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"Could not find the 'nope' column of 'channels_channel' in the schema cache\"}");
			assertError(patch(target, "{\"is_on_live\":\"yes please\"}"), 400, "{\"code\":\"22P02\",\"details\":null,"
					+ "\"hint\":null,\"message\":\"invalid input syntax for type boolean: \\\"yes please\\\"\"}");
			String invalidJson = "{\"code\":\"PGRST102\",\"details\":null,\"hint\":null,\"message\":\"Empty or invalid json\"}";
			assertError(patch(target, "{\"is_on_live\":"), 400, invalidJson);
			assertError(patch(target, "[{\"is_on_live\":true}]"), 400, invalidJson);
			assertError(patch(target, ""), 400, invalidJson);
			assertThat(patch(target, "{\"stream_id\":null}").body()).contains("\"code\":\"23502\"")
				.contains("null value in column \\\"stream_id\\\" of relation \\\"channels_channel\\\" violates "
						+ "not-null constraint");
			assertThat(FakePostgrestTest.this.fake.row(id)).containsEntry("stream_id", "a")
				.containsEntry("is_on_live", false);
		}

		@Test
		void anUpdateWithoutFiltersIsRefusedBySafeupdate() throws Exception {
			FakePostgrestTest.this.fake.addChannel("a");

			assertError(patch(TABLE, "{\"is_on_live\":true}"), 400,
					"{\"code\":\"21000\",\"details\":null,\"hint\":null,\"message\":\"UPDATE requires a WHERE clause\"}");
		}

		@Test
		void rowLevelSecurityHidesRowsFromTheAnonKeyOnly() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");
			FakePostgrestTest.this.fake.rlsHidesWrites(true);

			HttpResponse<String> anon = send(HttpRequest.newBuilder(uri(TABLE + "?id=eq." + id))
				.header("apikey", FakePostgrest.ANON_KEY)
				.header("Authorization", "Bearer " + FakePostgrest.ANON_KEY)
				.header("Prefer", "return=representation")
				.method("PATCH", BodyPublishers.ofString("{\"is_on_live\":true}")));

			assertThat(anon.statusCode()).isEqualTo(200);
			assertThat(anon.body()).isEqualTo("[]");
			assertThat(anon.headers().firstValue("Content-Range")).hasValue("*/*");
			assertThat(FakePostgrestTest.this.fake.row(id)).containsEntry("is_on_live", false);
			assertThat(patch(TABLE + "?id=eq." + id, "{\"is_on_live\":true}").statusCode()).isEqualTo(204);
			assertThat(FakePostgrestTest.this.fake.row(id)).containsEntry("is_on_live", true);
		}

		@Test
		void singleObjectUpdateOfOtherThanOneRowIsRolledBack() throws Exception {
			UUID first = FakePostgrestTest.this.fake.addChannel("k");
			UUID second = FakePostgrestTest.this.fake.addChannel("k");

			HttpResponse<String> response = patch(TABLE + "?stream_id=eq.k", "{\"is_on_live\":true}", "Accept",
					"application/vnd.pgrst.object+json");

			assertError(response, 406,
					"{\"code\":\"PGRST116\",\"details\":\"The result contains 2 rows\",\"hint\":null,"
							+ "\"message\":\"JSON object requested, multiple (or no) rows returned\"}");
			assertThat(FakePostgrestTest.this.fake.row(first)).containsEntry("is_on_live", false);
			assertThat(FakePostgrestTest.this.fake.row(second)).containsEntry("is_on_live", false);
		}

		@Test
		void conditionalUpdatesAreAtomicUnderConcurrency() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("k");
			List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();

			for (int i = 0; i < 64; i++) {
				String modified = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i).toString();
				responses.add(CLIENT.sendAsync(authorized(TABLE + "?id=eq." + id + "&modified=is.null")
					.header("Prefer", "return=representation")
					.method("PATCH", BodyPublishers.ofString("{\"modified\":\"" + modified + "\"}"))
					.build(), BodyHandlers.ofString()));
			}
			List<String> winners = new ArrayList<>();
			for (CompletableFuture<HttpResponse<String>> response : responses) {
				HttpResponse<String> answer = response.join();
				assertThat(answer.statusCode()).isEqualTo(200);
				if (!answer.body().equals("[]")) {
					winners.add(answer.body());
				}
			}

			assertThat(winners).hasSize(1);
			String modified = Column.formatTimestamp((Instant) FakePostgrestTest.this.fake.row(id).get("modified"));
			assertThat(winners.get(0)).contains("\"modified\":\"" + modified + "\"");
			assertThat(FakePostgrestTest.this.fake.requestCount()).isEqualTo(64);
		}

	}

	@Nested
	class Faults {

		@Test
		void failWithAnswersEveryRequestUntilCleared() throws Exception {
			FakePostgrestTest.this.fake.failWith(503, "{\"message\":\"down\"}");

			HttpResponse<String> failed = get(TABLE);
			HttpResponse<String> unauthenticated = send(HttpRequest.newBuilder(uri("/anything")).GET());
			FakePostgrestTest.this.fake.clearFaults();

			assertThat(failed.statusCode()).isEqualTo(503);
			assertThat(failed.body()).isEqualTo("{\"message\":\"down\"}");
			assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/json");
			assertThat(unauthenticated.statusCode()).isEqualTo(503);
			assertThat(get(TABLE).statusCode()).isEqualTo(200);
			assertThat(FakePostgrestTest.this.fake.requestCount()).isEqualTo(3);
		}

		@Test
		void failNextAnswersOnlyTheNextRequests() throws Exception {
			FakePostgrestTest.this.fake.failNext(2, 500, "{}");

			assertThat(get(TABLE).statusCode()).isEqualTo(500);
			assertThat(get(TABLE).statusCode()).isEqualTo(500);
			assertThat(get(TABLE).statusCode()).isEqualTo(200);
		}

		@Test
		void hangHoldsRequestsUntilTheClientTimesOut() throws Exception {
			FakePostgrestTest.this.fake.hang();

			assertThatThrownBy(() -> send(authorized(TABLE).timeout(Duration.ofMillis(300)).GET()))
				.isInstanceOf(HttpTimeoutException.class);
			FakePostgrestTest.this.fake.clearFaults();
			assertThat(get(TABLE).statusCode()).isEqualTo(200);
		}

		@Test
		void dropConnectionsClosesWithoutAnAnswer() throws Exception {
			FakePostgrestTest.this.fake.dropConnections();

			assertThatThrownBy(() -> get(TABLE)).isInstanceOf(IOException.class);
			FakePostgrestTest.this.fake.clearFaults();
			assertThat(get(TABLE).statusCode()).isEqualTo(200);
		}

		@Test
		void latencyDelaysAnswersAndFaults() throws Exception {
			FakePostgrestTest.this.fake.setLatency(Duration.ofMillis(200));

			long start = System.nanoTime();
			get(TABLE);
			FakePostgrestTest.this.fake.failNext(1, 503, "{}");
			get(TABLE);

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
		}

		@Test
		void recordsEveryRequestAsReceived() throws Exception {
			UUID id = FakePostgrestTest.this.fake.addChannel("a");

			patch(TABLE + "?id=eq." + id + "&modified=lt.2026-01-01T00:00:00%2B00:00", "{\"cover\":\"x\"}", "X-Trace",
					"t1");

			RecordedRequest request = FakePostgrestTest.this.fake.requests().get(0);
			assertThat(request.method()).isEqualTo("PATCH");
			assertThat(request.rawPath()).isEqualTo(TABLE);
			assertThat(request.rawQuery()).isEqualTo("id=eq." + id + "&modified=lt.2026-01-01T00:00:00%2B00:00");
			assertThat(request.headers()).containsEntry("apikey", FakePostgrest.SERVICE_KEY)
				.containsEntry("x-trace", "t1");
			assertThat(request.header("X-Trace")).isEqualTo("t1");
			assertThat(request.body()).isEqualTo("{\"cover\":\"x\"}");
		}

	}

	@Nested
	class Function {

		private static final String RPC = "/rest/v1/rpc/apply_stream_events";

		private static final String E1 = "11111111-1111-1111-1111-111111111111";

		private static final String E2 = "22222222-2222-2222-2222-222222222222";

		private static final String E3 = "33333333-3333-3333-3333-333333333333";

		@Test
		void appliesABatchAndAnswersOneResultPerEventAsPostgrestWritesAFunctionsTable() throws Exception {
			FakePostgrest fake = FakePostgrestTest.this.fake;
			UUID id = fake.addChannel("k1");

			HttpResponse<String> response = post(RPC,
					"{\"events\":[" + event(E1, "k1", true, "2026-11-24T10:15:30.123456Z") + ","
							+ event(E2, "k1", false, "2026-11-24T10:15:29Z") + ","
							+ event(E3, "nobody", true, "2026-11-24T10:15:30Z") + "]}");

			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
			assertThat(response.headers().firstValue("Content-Range")).hasValue("0-2/*");
			assertThat(response.body())
				.isEqualTo("[{\"event_id\":\"" + E1 + "\",\"result\":\"applied\",\"channel_id\":\"" + id
						+ "\"}, \n {\"event_id\":\"" + E2 + "\",\"result\":\"superseded\",\"channel_id\":\"" + id
						+ "\"}, \n {\"event_id\":\"" + E3 + "\",\"result\":\"unknown_key\",\"channel_id\":null}]");
			assertThat(fake.row(id)).containsEntry("is_on_live", true)
				.containsEntry("last_status", "online")
				.containsEntry("cover", md5(id.toString()) + ".jpg")
				.containsEntry("modified", Instant.parse("2026-11-24T10:15:30.123456Z"));
		}

		@Test
		void comparesEveryEventWithTheRowFirstSoAReplayedBatchChangesNothing() throws Exception {
			FakePostgrest fake = FakePostgrestTest.this.fake;
			UUID id = fake.addChannel("k1", true, Instant.parse("2026-11-24T10:15:30Z"));
			String batch = "{\"events\":[" + event(E1, "k1", false, "2026-11-24T10:15:31+00:00") + ","
					+ event(E2, "k1", true, "2026-11-24T10:15:30Z") + ","
					+ event(E3, "k1", true, "2026-11-24T10:15:29Z") + "]}";

			String first = post(RPC, batch).body();
			String again = post(RPC, batch).body();

			assertThat(results(first)).containsExactly("applied", "duplicate", "stale");
			assertThat(results(again)).containsExactly("duplicate", "stale", "stale");
			assertThat(fake.row(id)).containsEntry("is_on_live", false)
				.containsEntry("last_status", "offline")
				.containsEntry("cover", null)
				.containsEntry("modified", Instant.parse("2026-11-24T10:15:31Z"));
		}

		@Test
		void missingFunctionIsNotInTheSchemaCache() throws Exception {
			FakePostgrestTest.this.fake.applyFunction(false);

			assertError(post(RPC, "{\"events\":[]}"), 404, "{\"code\":\"PGRST202\",\"details\":\"Searched for the "
					+ "function public.apply_stream_events with parameter events or with a single unnamed json/jsonb "
					+ "parameter, but no matches were found in the schema cache.\",\"hint\":null,\"message\":\"Could not "
					+ "find the function public.apply_stream_events(events) in the schema cache\"}");
			assertError(post("/rest/v1/rpc/other", ""), 404, "{\"code\":\"PGRST202\",\"details\":\"Searched for the "
					+ "function public.other without parameters or with a single unnamed json/jsonb parameter, but no "
					+ "matches were found in the schema cache.\",\"hint\":null,\"message\":\"Could not find the function "
					+ "public.other without parameters in the schema cache\"}");
		}

		@Test
		void otherParametersFindNoFunction() throws Exception {
			assertError(post(RPC, "{\"rows\":[],\"batch\":1}"), 404, "{\"code\":\"PGRST202\",\"details\":\"Searched "
					+ "for the function public.apply_stream_events with parameters batch, rows or with a single unnamed "
					+ "json/jsonb parameter, but no matches were found in the schema cache.\",\"hint\":\"Perhaps you meant "
					+ "to call the function public.apply_stream_events(events)\",\"message\":\"Could not find the "
					+ "function public.apply_stream_events(batch, rows) in the schema cache\"}");
			assertThat(post(RPC, "[1]").body()).contains("All object keys must match");
		}

		@Test
		void badBodiesAreRejected() throws Exception {
			assertError(post(RPC, "{\"events\":"), 400,
					"{\"code\":\"PGRST102\",\"details\":null,\"hint\":null,\"message\":\"Empty or invalid json\"}");
			assertError(post(RPC, "{\"events\":{}}"), 400, "{\"code\":\"22023\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"apply_stream_events: events is not a JSON array\"}");
			assertError(
					post(RPC,
							"{\"events\":[" + event(E1, "k1", true, "2026-11-24T10:15:30Z") + ","
									+ event(E2, "k1", true, "2026-11-24T10:15:30") + "]}"),
					400,
					"{\"code\":\"22023\",\"details\":null,\"hint\":null,\"message\":\"apply_stream_events: element 2 "
							+ "of events is not {\\\"event_id\\\": string, \\\"stream_key\\\": string, \\\"live\\\": boolean, "
							+ "\\\"at\\\": string with an offset}\"}");
			assertError(post(RPC, "{\"events\":[" + event("e1", "k1", true, "2026-11-24T10:15:30Z") + "]}"), 400,
					"{\"code\":\"22P02\",\"details\":null,\"hint\":null,"
							+ "\"message\":\"invalid input syntax for type uuid: \\\"e1\\\"\"}");
			assertError(
					send(authorized(RPC).header("Content-Type", "application/xml")
						.POST(BodyPublishers.ofString("<events/>"))),
					400, "{\"code\":\"PGRST102\",\"details\":null,\"hint\":null,"
							+ "\"message\":\"Content-Type not acceptable: application/xml\"}");
		}

		@Test
		void theAnonKeyMayNotExecuteIt() throws Exception {
			HttpResponse<String> response = send(HttpRequest.newBuilder(uri(RPC))
				.header("apikey", FakePostgrest.ANON_KEY)
				.header("Content-Type", "application/json")
				.POST(BodyPublishers.ofString("{\"events\":[]}")));

			assertError(response, 401, "{\"code\":\"42501\",\"details\":null,\"hint\":null,"
					+ "\"message\":\"permission denied for function apply_stream_events\"}");
			assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
		}

		@Test
		void onlyPostCallsIt() throws Exception {
			assertError(send(authorized(RPC).method("PATCH", BodyPublishers.ofString("{}"))), 405,
					"{\"code\":\"PGRST101\",\"details\":null,\"hint\":null,\"message\":\"Cannot use the PATCH method on RPC\"}");
			assertThat(get(RPC).statusCode()).isEqualTo(501);
		}

		private HttpResponse<String> post(String path, String body) throws Exception {
			return send(
					authorized(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)));
		}

		private static String event(String id, String key, boolean live, String at) {
			return "{\"event_id\":\"" + id + "\",\"stream_key\":\"" + key + "\",\"live\":" + live + ",\"at\":\"" + at
					+ "\"}";
		}

		private static List<String> results(String body) {
			List<String> results = new ArrayList<>();
			Matcher matcher = Pattern.compile("\"result\":\"([a-z_]+)\"").matcher(body);
			while (matcher.find()) {
				results.add(matcher.group(1));
			}
			return results;
		}

		private static String md5(String text) throws Exception {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.US_ASCII)));
		}

	}

	private List<UUID> ids(String pathAndQuery) throws Exception {
		HttpResponse<String> response = get(pathAndQuery);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		List<UUID> ids = new ArrayList<>();
		Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(response.body());
		while (matcher.find()) {
			ids.add(UUID.fromString(matcher.group(1)));
		}
		return ids;
	}

	private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
		return send(withHeaders(authorized(pathAndQuery), headers).GET());
	}

	private HttpResponse<String> patch(String pathAndQuery, String body, String... headers) throws Exception {
		return send(withHeaders(authorized(pathAndQuery).header("Content-Type", "application/json"), headers)
			.method("PATCH", BodyPublishers.ofString(body)));
	}

	private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String... headers) {
		return (headers.length > 0) ? request.headers(headers) : request;
	}

	private HttpRequest.Builder authorized(String pathAndQuery) {
		return HttpRequest.newBuilder(uri(pathAndQuery))
			.header("apikey", FakePostgrest.SERVICE_KEY)
			.header("Authorization", "Bearer " + FakePostgrest.SERVICE_KEY);
	}

	private URI uri(String pathAndQuery) {
		return URI.create(this.fake.url() + pathAndQuery);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return CLIENT.send(request.build(), BodyHandlers.ofString());
	}

	private static void assertError(HttpResponse<String> response, int status, String body) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
		assertThat(response.body()).isEqualTo(body);
	}

}
