package dev.streamctl.gateway.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static dev.streamctl.gateway.deploy.Scripts.repositoryRoot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the deployment files in agreement with the gateway: every SRS callback in
 * {@code srs.conf} reaches a route the gateway serves, {@code docker-compose.yml} hands
 * SRS the same URLs with {@code ?secret=${HOOK_SECRET}} (the heartbeat's with
 * {@code /${HOOK_SECRET}}, since SRS drops its query string) and the gateway the same
 * {@code HOOK_SECRET}, the heartbeat carries the API address, no secret is committed, and
 * SRS's own start-up and exposure rules hold (file limit above
 * {@code max_connections + 128}, GOP cache on, HTTP API not public). The thumbnail worker
 * reads SRS's HTTP-FLV remux at the URL compose gives it, and that port, whose URLs carry
 * stream keys, is never published. It also holds the deployment to what it needs: pinned
 * images (an SRS 6 release that reads every override given to it), health checks that
 * mean ready, nginx that starts without IPv6, image builds that cache their dependencies,
 * and a thumbnail image with no FFmpeg package that carries the FFmpeg natives of its own
 * platform. The local database runs {@code supabase/init.sql} and then every file of
 * {@code supabase/migrations} at its first start.
 */
class DeploymentFilesTest {

	private static final String HOOK_ENDPOINT = "dev.streamctl.gateway.hook.web.HookEndpoint";

	private static final String FORWARD_ENDPOINT = "dev.streamctl.gateway.hook.web.ForwardEndpoint";

	private static final String SRS_CALLBACKS = "dev.streamctl.gateway.hook.web.SrsCallbacks";

	private static final String HEARTBEAT_ENDPOINT = "dev.streamctl.gateway.hook.web.HeartbeatEndpoint";

	/**
	 * The first SRS 6 release that reads {@code heartbeat { ports }} (ossrs/srs#4171); an
	 * earlier one refuses to start on it ("illegal heartbeat.ports").
	 */
	private static final SrsVersion SRS_HEARTBEAT_PORTS_SINCE = SrsVersion.of("6.0.156");

	private static final String GATEWAY_SERVICE = "hook-gateway";

	private static final String SRS_SERVICE = "srs";

	private static final String THUMBNAIL_SERVICE = "thumbnail-worker";

	/** Where the thumbnail worker reads a stream: a template of {app} and {stream}. */
	private static final String INPUT_URL_VARIABLE = "THUMBNAIL_INPUT_URL";

	/** The Maven property that picks the platform of the FFmpeg natives (root pom). */
	private static final String NATIVES_PLATFORM = "javacpp.platform";

	/**
	 * The platforms the thumbnail image is built for: Docker's TARGETARCH and JavaCPP's
	 * name for its natives.
	 */
	private static final Map<String, String> IMAGE_PLATFORMS = Map.of("amd64", "linux-x86_64", "arm64", "linux-arm64");

	/** An {@code apt-get install} and its arguments, up to the end of the command. */
	private static final Pattern APT_INSTALL = Pattern.compile("apt-get\\s+install((?:\\s+[^\\s;&|]+)+)");

	private static final String SECRET_PARAMETER = "secret";

	private static final String SECRET_VARIABLE = "HOOK_SECRET";

	/**
	 * SRS needs this many descriptors besides its connections, or it refuses to start.
	 */
	private static final int SRS_RESERVED_FILES = 128;

	/**
	 * The first SRS 6 version that reads each environment override docker-compose.yml
	 * gives SRS, from SRS's {@code srs_app_config.cpp}: the http_hooks overrides came in
	 * 6.0.13 (5.0.132), {@code forward.backend}'s in 6.0.170 (ossrs/srs#4245; the first
	 * image with it is 6.0.172, v6.0-b0), {@code heartbeat.url}'s in 5.0.72, before SRS 6
	 * began (ossrs/srs#3197). An override missing here must be looked up in SRS's source
	 * before it is used: an SRS that does not read it silently keeps srs.conf's value.
	 */
	private static final Map<String, SrsVersion> SRS_OVERRIDES_SINCE = Map.of("SRS_VHOST_HTTP_HOOKS_ON_PUBLISH",
			SrsVersion.of("6.0.13"), "SRS_VHOST_HTTP_HOOKS_ON_UNPUBLISH", SrsVersion.of("6.0.13"),
			"SRS_VHOST_HTTP_HOOKS_ON_CLOSE", SrsVersion.of("6.0.13"), "SRS_VHOST_FORWARD_BACKEND",
			SrsVersion.of("6.0.170"), "SRS_HEARTBEAT_URL", SrsVersion.of("6.0.0"));

	/**
	 * SRS 7 moves settings of srs.conf (RTMP into an {@code rtmp {}} block): srs.conf is
	 * written for 6.
	 */
	private static final int SRS_MAJOR = 6;

	/** An image reference, {@code [registry/]repository[:tag][@digest]}. */
	private static final Pattern IMAGE = Pattern
		.compile("(?<repository>[^:@]+(?::\\d+/[^:@]+)?)(?::(?<tag>[^@]+))?(?:@(?<digest>.+))?");

	/**
	 * The modules of the Maven reactor; every service image's build needs each one's
	 * pom.xml.
	 */
	private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

	private static final List<String> SERVICE_IMAGES = List.of("hook-gateway", "status-worker", "thumbnail-worker");

	private static final Pattern SECRET_REFERENCE = Pattern.compile("\\$\\{" + SECRET_VARIABLE + "(:?\\?[^}]*)?}");

	private static final Pattern VARIABLE = Pattern
		.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)((:?[-?])([^}]*))?}");

	private static Path root;

	private static SrsConfig srs;

	private static Map<String, Object> compose;

	@BeforeAll
	static void readDeploymentFiles() throws IOException {
		root = repositoryRoot();
		srs = SrsConfig.parse(Files.readString(root.resolve("srs.conf")));
		compose = yaml(root.resolve("docker-compose.yml"));
	}

	@Test
	void everyHookInSrsConfCallsTheGatewaysHookRoute() throws Exception {
		List<Directive> hooks = hooks();

		assertThat(hooks).extracting(Directive::name).contains("on_publish", "on_unpublish", "on_close");
		for (Directive hook : hooks) {
			assertCallsGateway(hook.name(), URI.create(hook.arg()), routesOf(HOOK_ENDPOINT));
		}
	}

	@Test
	void forwardBackendInSrsConfCallsTheGatewaysForwardRoute() throws Exception {
		Directive forward = srs.vhost().child("forward");

		assertThat(forward.child("enabled").arg()).isEqualTo("on");
		assertCallsGateway("forward backend", URI.create(forward.child("backend").arg()), routesOf(FORWARD_ENDPOINT));
	}

	@Test
	void bothGatewayRoutesTakeTheSecretAsTheQueryParameterSrsSends() throws Exception {
		assertThat(constant(SRS_CALLBACKS, "SECRET_PARAMETER")).isEqualTo(SECRET_PARAMETER);
	}

	@Test
	void heartbeatInSrsConfCallsTheGatewaysHeartbeatRouteWithTheApiAddressAndNoSummaries() throws Exception {
		Directive heartbeat = srs.root().child("heartbeat");

		assertThat(heartbeat.child("enabled").arg()).isEqualTo("on");
		assertCallsGateway("heartbeat", URI.create(heartbeat.child("url").arg()), routesOf(HEARTBEAT_ENDPOINT));
		assertThat(heartbeat.child("ports").arg()).as("heartbeat ports: the API address in every heartbeat")
			.isEqualTo("on");
		assertThat(heartbeat.child("summaries").arg()).as("heartbeat summaries").isEqualTo("off");
		assertThat(heartbeat.child("interval").arg())
			.as("heartbeat interval: SRS 6 reads whole seconds (atoi), so a fraction would be dropped silently")
			.matches("[1-9][0-9]*");
		assertThat(pinnedSrs()).as("heartbeat ports needs SRS %s", SRS_HEARTBEAT_PORTS_SINCE)
			.isGreaterThanOrEqualTo(SRS_HEARTBEAT_PORTS_SINCE);
	}

	@Test
	void composeGivesSrsTheHeartbeatUrlWithTheHookSecretAsItsLastPathSegment() throws Exception {
		String url = srs.root().child("heartbeat").child("url").arg();
		String value = environment(SRS_SERVICE).get("SRS_HEARTBEAT_URL");

		assertThat(value).as("srs environment overrides SRS_HEARTBEAT_URL").isNotNull().startsWith(url + "/");
		assertThat(SECRET_REFERENCE.matcher(value.substring(url.length() + 1)).matches())
			.as("SRS_HEARTBEAT_URL ends in exactly ${%s}, no query string (SRS drops it): %s", SECRET_VARIABLE, value)
			.isTrue();
		assertThat(constant(HEARTBEAT_ENDPOINT, "SECRET_PATH"))
			.isEqualTo(constant(HEARTBEAT_ENDPOINT, "PATH") + "/{" + SECRET_PARAMETER + "}");
	}

	@Test
	void srsConfHoldsNoSecret() {
		assertThat(srs.all()).as("srs.conf is committed: the secret comes from the environment only")
			.allSatisfy(directive -> assertThat(directive.args())
				.noneMatch(arg -> arg.contains("?") || arg.toLowerCase().contains(SECRET_PARAMETER)));
	}

	@Test
	void composeGivesSrsEveryCallbackUrlWithTheHookSecret() {
		Map<String, String> environment = environment(SRS_SERVICE);
		Map<String, String> expected = new LinkedHashMap<>();
		hooks().forEach(hook -> expected.put("SRS_VHOST_HTTP_HOOKS_" + hook.name().toUpperCase(), hook.arg()));
		expected.put("SRS_VHOST_FORWARD_BACKEND", srs.vhost().child("forward").child("backend").arg());

		expected.forEach((variable, url) -> {
			assertThat(environment).as("srs environment overrides %s", variable).containsKey(variable);
			String value = environment.get(variable);
			assertThat(value).as(variable).startsWith(url + "?" + SECRET_PARAMETER + "=");
			assertThat(
					SECRET_REFERENCE.matcher(value.substring(url.length() + SECRET_PARAMETER.length() + 2)).matches())
				.as("%s carries exactly ${%s}: %s", variable, SECRET_VARIABLE, value)
				.isTrue();
		});
		assertThat(environment.keySet().stream().filter(name -> name.startsWith("SRS_VHOST_HTTP_HOOKS_ON_")))
			.as("every hook SRS is told about is one srs.conf declares")
			.allMatch(expected::containsKey);
	}

	@Test
	void composeGivesTheGatewayTheSameHookSecretItReads() throws IOException {
		String value = environment(GATEWAY_SERVICE).get(SECRET_VARIABLE);

		assertThat(value).as("hook-gateway environment %s", SECRET_VARIABLE).isNotNull();
		assertThat(SECRET_REFERENCE.matcher(value).matches()).as(value).isTrue();
		assertThat(String.valueOf(path(gatewayApplicationYaml(), "gateway", "hooks", "secret")))
			.as("the gateway reads gateway.hooks.secret from %s", SECRET_VARIABLE)
			.startsWith("${" + SECRET_VARIABLE);
	}

	@Test
	void srsFileLimitLeavesRoomForMaxConnections() {
		int maxConnections = Integer.parseInt(srs.root().child("max_connections").arg());
		Object nofile = path(service(SRS_SERVICE), "ulimits", "nofile");
		assertThat(nofile).as("srs ulimits.nofile").isNotNull();
		int soft = (nofile instanceof Map<?, ?> limits) ? toInt(limits.get("soft")) : toInt(nofile);
		int hard = (nofile instanceof Map<?, ?> limits) ? toInt(limits.get("hard")) : soft;

		assertThat(maxConnections + SRS_RESERVED_FILES).as("max_connections + %d", SRS_RESERVED_FILES).isLessThan(soft);
		assertThat(hard).isGreaterThanOrEqualTo(soft);
	}

	@Test
	void gopCacheIsOnSoReadersGetAKeyframeAtOnce() {
		assertThat(srs.vhost().descendants("gop_cache")).isNotEmpty()
			.allSatisfy(directive -> assertThat(directive.arg()).isEqualTo("on"));
	}

	@Test
	void srsHttpApiIsNotPublishedBeyondTheHost() {
		String api = srs.root().child("http_api").child("listen").arg();
		String apiPort = api.substring(api.lastIndexOf(':') + 1);
		String rtmpPort = srs.root().child("listen").arg();
		List<PortMapping> ports = ports(SRS_SERVICE);

		assertThat(service(SRS_SERVICE).get("network_mode")).as("srs network_mode").isNotEqualTo("host");
		assertThat(ports).filteredOn(port -> port.target().equals(apiPort))
			.allSatisfy(port -> assertThat(port.hostIp()).as("host address of the SRS API")
				.isIn("127.0.0.1", "::1", "localhost"));
		assertThat(ports).as("RTMP ingest is published").anyMatch(port -> port.target().equals(rtmpPort));
	}

	@Test
	void srsServesEveryStreamAsHttpFlvOnPort8080() {
		Directive server = srs.root().child("http_server");
		Directive remux = srs.vhost().child("http_remux");

		assertThat(server.child("enabled").arg()).as("http_server enabled").isEqualTo("on");
		assertThat(httpFlvPort()).as("http_server listen").isEqualTo("8080");
		assertThat(remux.child("enabled").arg()).as("http_remux enabled").isEqualTo("on");
		assertThat(remux.child("mount").arg()).as("http_remux mount: live FLV of every app and stream")
			.isEqualTo("[vhost]/[app]/[stream].flv");
	}

	@Test
	void srsHttpFlvPortIsNeverPublished() {
		String port = httpFlvPort();

		assertThat(ports(SRS_SERVICE)).as("SRS's HTTP-FLV URLs carry stream keys: port %s is never published", port)
			.noneMatch(mapping -> mapping.target().equals(port));
		assertThat(service(SRS_SERVICE).get("network_mode")).as("srs network_mode").isNotEqualTo("host");
	}

	@Test
	void thumbnailWorkerReadsTheHttpFlvRemuxOfTheComposeSrs() {
		String inputUrl = environment(THUMBNAIL_SERVICE).get(INPUT_URL_VARIABLE);
		String mount = srs.vhost().child("http_remux").child("mount").arg();
		// SRS drops the default vhost from the path, and fills [app] and [stream] in
		String path = (mount.startsWith("[vhost]/") ? mount.substring("[vhost]".length()) : mount)
			.replace("[app]", "{app}")
			.replace("[stream]", "{stream}");

		assertThat(inputUrl).as("thumbnail-worker environment %s", INPUT_URL_VARIABLE)
			.isEqualTo("http://" + SRS_SERVICE + ":" + httpFlvPort() + path);
	}

	@Test
	void thumbnailImageInstallsNoFfmpegAndCarriesTheNativesOfItsPlatform() throws IOException {
		List<String> instructions = instructions(root.resolve(THUMBNAIL_SERVICE).resolve("Dockerfile"));
		List<String> installed = new ArrayList<>();
		instructions.stream().filter(line -> line.startsWith("RUN ")).forEach(line -> {
			Matcher install = APT_INSTALL.matcher(line);
			while (install.find()) {
				Arrays.stream(install.group(1).strip().split("\\s+"))
					.filter(word -> !word.startsWith("-"))
					.forEach(installed::add);
			}
		});
		String build = instructions.stream()
			.filter(line -> line.startsWith("RUN ") && line.contains("mvnw") && line.contains(" package "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("thumbnail-worker/Dockerfile packages the worker"));

		assertThat(installed).as("packages the thumbnail image installs: the decoder is in the jar")
			.noneMatch(name -> name.toLowerCase().contains("ffmpeg") || name.startsWith("libav"));
		assertThat(instructions).as("the build stage is told the platform it builds for").contains("ARG TARGETARCH");
		IMAGE_PLATFORMS
			.forEach((arch, platform) -> assertThat(build).as("TARGETARCH %s builds %s natives", arch, platform)
				.contains(arch + ") platform=" + platform));
		assertThat(build).contains("-D" + NATIVES_PLATFORM + "=$platform");
		assertThat(installed).as("the arm64 natives link the system's libva and libdrm")
			.contains("libva2", "libva-drm2", "libdrm2");
	}

	@Test
	void scaledServicesHaveNoContainerNameNorHostPort() {
		for (String service : List.of("status-worker", "thumbnail-worker")) {
			assertThat(service(service)).as(service).doesNotContainKeys("container_name", "ports");
		}
	}

	@Test
	void envExampleDocumentsEveryVariableAndCommitsNoSecret() throws IOException {
		String text = Files.readString(root.resolve("docker-compose.yml"));
		Map<String, String> example = envFile(root.resolve(".env.example"));
		Set<String> required = new LinkedHashSet<>();
		Matcher variables = VARIABLE.matcher(text);
		while (variables.find()) {
			assertThat(example).as(".env.example documents ${%s}", variables.group(1)).containsKey(variables.group(1));
			if (variables.group(3) != null && variables.group(3).endsWith("?")) {
				required.add(variables.group(1));
			}
		}

		assertThat(required).contains(SECRET_VARIABLE);
		assertThat(required).allSatisfy(variable -> assertThat(example.get(variable)).as(variable).isEmpty());
		assertThat(Files.readAllLines(root.resolve(".gitignore"))).contains(".env");
	}

	@Test
	void brokerLoadsTheDefinitionsItsEntrypointWrites() throws IOException {
		String entrypoint = Files.readString(root.resolve("rabbitmq/entrypoint.sh"));
		String config = Files.readString(root.resolve("rabbitmq/rabbitmq.conf"));
		List<String> volumes = stringList(service("rabbitmq").get("volumes"));

		assertThat(setting(config, "load_definitions")).isEqualTo(shellDefault(entrypoint, "output_file"));
		assertThat(volumes).contains("./rabbitmq/definitions.json:" + shellDefault(entrypoint, "source_file") + ":ro");
	}

	@Test
	void srsImageIsAnExactSrs6ReleaseThatReadsEveryOverrideItIsGiven() {
		String image = String.valueOf(service(SRS_SERVICE).get("image"));
		SrsVersion pinned = pinnedSrs();

		assertThat(pinned.major()).as("%s is SRS %d: srs.conf is written for it", image, SRS_MAJOR)
			.isEqualTo(SRS_MAJOR);
		Set<String> overrides = new LinkedHashSet<>();
		environment(SRS_SERVICE).keySet().stream().filter(name -> name.startsWith("SRS_")).forEach(overrides::add);
		assertThat(SRS_OVERRIDES_SINCE).as("the SRS version that first reads each override given to SRS")
			.containsKeys(overrides.toArray(String[]::new));
		for (String override : overrides) {
			assertThat(pinned).as("%s reads %s (from %s on)", image, override, SRS_OVERRIDES_SINCE.get(override))
				.isGreaterThanOrEqualTo(SRS_OVERRIDES_SINCE.get(override));
		}
	}

	@Test
	void everyComposeImageIsPinnedToAVersion() {
		Map<?, ?> services = (Map<?, ?>) compose.get("services");
		services.forEach((name, definition) -> {
			Object image = ((Map<?, ?>) definition).get("image");
			if (image != null) {
				Matcher reference = IMAGE.matcher(String.valueOf(image));
				assertThat(reference.matches()).as("%s image %s", name, image).isTrue();
				assertThat(reference.group("tag"))
					.as("%s image %s has a tag that is a version (x.y at least), never latest", name, image)
					.isNotNull()
					.containsPattern("\\d+\\.\\d+");
			}
		});
	}

	@Test
	void nginxListensOnIpv4OnlySoItStartsOnHostsWithoutIpv6() throws IOException {
		for (String config : List.of("nginx/thumbs.conf", "supabase/gateway.conf.template")) {
			List<String> listens = Files.readAllLines(root.resolve(config))
				.stream()
				.map(line -> line.contains("#") ? line.substring(0, line.indexOf('#')) : line)
				.map(String::strip)
				.filter(line -> line.startsWith("listen "))
				.toList();

			assertThat(listens).as("listen directives of %s", config)
				.isNotEmpty()
				.noneMatch(listen -> listen.contains("["));
		}
	}

	@Test
	void postgresIsHealthyOnlyOnceItAnswersOverTcp() {
		List<String> test = stringList(path(service("postgres"), "healthcheck", "test"));

		assertThat(test).as("postgres health check").contains("pg_isready");
		int host = test.indexOf("-h");
		assertThat(host)
			.as("pg_isready is given a host (-h): without one it asks the Unix socket, on which the "
					+ "image's first-initialisation server already answers")
			.isPositive();
		assertThat(test.get(host + 1)).as("pg_isready host").isIn("127.0.0.1", "localhost");
	}

	@Test
	void theLocalDatabaseRunsInitSqlThenEveryMigrationInItsOrderAtFirstStart() throws IOException {
		String initdb = "/docker-entrypoint-initdb.d/";
		// the image runs the files of initdb in the order of their names (a two-digit
		// prefix keeps it the same in every locale), never those of subdirectories
		Map<String, String> sourceByTarget = new TreeMap<>();
		for (String volume : stringList(service("postgres").get("volumes"))) {
			String[] parts = volume.split(":");
			if (parts.length > 1 && parts[1].startsWith(initdb)) {
				String target = parts[1].substring(initdb.length());
				assertThat(target).as("initdb file of %s", volume).matches("[0-9]{2}-[^/]+\\.sql");
				assertThat(parts).as("%s is mounted read-only", volume).hasSize(3).endsWith("ro");
				sourceByTarget.put(target, parts[0]);
			}
		}
		List<String> migrations;
		try (var files = Files.list(root.resolve("supabase/migrations"))) {
			migrations = files.map(file -> file.getFileName().toString())
				.filter(name -> name.endsWith(".sql"))
				.sorted()
				.map(name -> "./supabase/migrations/" + name)
				.toList();
		}
		List<String> expected = new ArrayList<>(List.of("./supabase/init.sql"));
		expected.addAll(migrations);

		assertThat(migrations).as("supabase/migrations").isNotEmpty();
		assertThat(List.copyOf(sourceByTarget.values()))
			.as("the files the postgres service runs at first start, in the order it runs them")
			.containsExactlyElementsOf(expected);
	}

	@Test
	void serviceImagesDownloadDependenciesInLayersThatSourceChangesDoNotInvalidate() throws IOException {
		Set<String> buildFiles = new LinkedHashSet<>(List.of("mvnw", "pom.xml", ".mvn"));
		Matcher modules = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
		while (modules.find()) {
			buildFiles.add(modules.group(1) + "/pom.xml");
		}
		List<String> dependencyLayers = null;
		for (String service : SERVICE_IMAGES) {
			List<String> instructions = buildStage(root.resolve(service).resolve("Dockerfile"));
			int maven = indexOf(instructions, line -> line.startsWith("RUN ") && line.contains("mvnw"));
			assertThat(maven).as("%s/Dockerfile runs Maven", service).isPositive();
			List<String> beforeMaven = instructions.subList(0, maven + 1);
			Set<String> copied = new LinkedHashSet<>();
			beforeMaven.stream()
				.filter(line -> line.startsWith("COPY "))
				.forEach(copy -> copied.addAll(copySources(copy)));

			assertThat(copied).as("%s/Dockerfile copies only the build files before Maven first runs", service)
				.containsExactlyInAnyOrderElementsOf(buildFiles);
			assertThat(beforeMaven.get(maven)).as(service).contains("dependency:go-offline");
			assertThat(instructions.subList(maven + 1, instructions.size()))
				.as("%s/Dockerfile then copies the sources it builds, never the whole context", service)
				.filteredOn(line -> line.startsWith("COPY "))
				.allSatisfy(copy -> assertThat(copySources(copy)).allMatch(source -> source.endsWith("/src")));
			if (dependencyLayers == null) {
				dependencyLayers = beforeMaven;
			}
			assertThat(beforeMaven).as("%s/Dockerfile's dependency layers are the other images' (built once)", service)
				.isEqualTo(dependencyLayers);
		}
	}

	@Test
	void dockerBuildContextLeavesOutBuildOutputSecretsOverridesAndTestData() throws IOException {
		List<String> ignored = Files.readAllLines(root.resolve(".dockerignore")).stream().map(String::strip).toList();

		assertThat(ignored).contains(".git", "**/target", ".env", "docker-compose.override.yml", "test-fixtures/",
				"bench/");
	}

	@Test
	void brokerEnablesNoPluginForAnExchangeTypeTheTopologyDoesNotDeclare() throws IOException {
		String plugins = Files.readString(root.resolve("rabbitmq/enabled_plugins")).strip();
		String definitions = Files.readString(root.resolve("rabbitmq/definitions.json"));

		assertThat(plugins).as("enabled_plugins is an Erlang list ending with a dot").startsWith("[").endsWith("].");
		if (plugins.contains("rabbitmq_consistent_hash_exchange")) {
			assertThat(definitions).as("the consistent hash plugin is enabled for an x-consistent-hash exchange")
				.contains("\"x-consistent-hash\"");
		}
	}

	@Test
	void brokerRemembersTheUsersItProvisionedInItsDataVolume() throws IOException {
		String entrypoint = Files.readString(root.resolve("rabbitmq/entrypoint.sh"));
		String usersFile = shellDefault(entrypoint, "users_file");
		List<String> volumes = stringList(service("rabbitmq").get("volumes"));
		String dataDirectory = volumes.stream()
			.filter(volume -> volume.startsWith("rabbitmq-data:"))
			.map(volume -> volume.split(":")[1])
			.findFirst()
			.orElseThrow(() -> new AssertionError("the rabbitmq service mounts the rabbitmq-data volume"));

		assertThat(usersFile).as("the list of provisioned users lives in the data volume, with the users")
			.startsWith(dataDirectory + "/");
		assertThat(service("rabbitmq").get("init")).as("tini reaps the entrypoint's detached job").isEqualTo(true);
	}

	/** The SRS release docker-compose.yml pins, which must be an exact one. */
	private static SrsVersion pinnedSrs() {
		String image = String.valueOf(service(SRS_SERVICE).get("image"));
		Matcher reference = IMAGE.matcher(image);
		assertThat(reference.matches()).as("image reference %s", image).isTrue();
		assertThat(reference.group("repository")).as(image).isEqualTo("ossrs/srs");
		String tag = reference.group("tag");
		assertThat(tag).as("%s names an exact release, e.g. ossrs/srs:v6.0.184", image)
			.isNotNull()
			.matches("v?\\d+\\.\\d+\\.\\d+");
		return SrsVersion.of(tag.startsWith("v") ? tag.substring(1) : tag);
	}

	private static List<String> buildStage(Path dockerfile) throws IOException {
		List<String> instructions = instructions(dockerfile);
		int from = indexOf(instructions, line -> line.startsWith("FROM ") && line.endsWith(" AS build"));
		assertThat(from).as("%s has a build stage", dockerfile).isNotNegative();
		int next = indexOf(instructions.subList(from + 1, instructions.size()), line -> line.startsWith("FROM "));
		return instructions.subList(from, (next < 0) ? instructions.size() : from + 1 + next);
	}

	/**
	 * A Dockerfile's instructions, one a line, continuation lines joined, comments left
	 * out.
	 */
	private static List<String> instructions(Path dockerfile) throws IOException {
		List<String> instructions = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		for (String line : Files.readAllLines(dockerfile)) {
			String trimmed = line.strip();
			if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
				continue;
			}
			if (trimmed.endsWith("\\")) {
				current.append(trimmed, 0, trimmed.length() - 1).append(' ');
				continue;
			}
			instructions.add(current.append(trimmed).toString().strip());
			current.setLength(0);
		}
		return instructions;
	}

	/** The port of SRS's HTTP server, which serves the HTTP-FLV remux. */
	private static String httpFlvPort() {
		String listen = srs.root().child("http_server").child("listen").arg();
		return listen.substring(listen.lastIndexOf(':') + 1);
	}

	/** The sources of {@code COPY [--flags] src... dest}. */
	private static List<String> copySources(String copy) {
		List<String> words = Arrays.stream(copy.split("\\s+")).skip(1).filter(word -> !word.startsWith("--")).toList();
		return words.subList(0, words.size() - 1);
	}

	private static int indexOf(List<String> lines, Predicate<String> test) {
		for (int i = 0; i < lines.size(); i++) {
			if (test.test(lines.get(i))) {
				return i;
			}
		}
		return -1;
	}

	private static void assertCallsGateway(String what, URI url, Set<String> routes) throws IOException {
		assertThat(url.getScheme()).as(what).isEqualTo("http");
		assertThat(url.getHost()).as("%s host is the gateway's service name", what).isEqualTo(GATEWAY_SERVICE);
		assertThat(path(compose, "services", GATEWAY_SERVICE)).as("docker-compose.yml service %s", GATEWAY_SERVICE)
			.isNotNull();
		assertThat(url.getPort()).as("%s port is the gateway's", what).isEqualTo(gatewayPort());
		assertThat(routes).as("%s path %s is a gateway route", what, url.getPath()).contains(url.getPath());
	}

	private static List<Directive> hooks() {
		return srs.vhost().child("http_hooks").children().stream().filter(d -> d.name().startsWith("on_")).toList();
	}

	/** The path an SRS callback endpoint is served on (its {@code PATH}). */
	private static Set<String> routesOf(String endpoint) throws ReflectiveOperationException {
		return Set.of(constant(endpoint, "PATH"));
	}

	private static String constant(String className, String field) throws ReflectiveOperationException {
		Field constant = Class.forName(className).getDeclaredField(field);
		constant.setAccessible(true);
		return (String) constant.get(null);
	}

	private static int gatewayPort() throws IOException {
		String override = environment(GATEWAY_SERVICE).get("SERVER_PORT");
		return (override != null) ? Integer.parseInt(override)
				: toInt(path(gatewayApplicationYaml(), "server", "port"));
	}

	private static Map<String, Object> gatewayApplicationYaml() throws IOException {
		try (InputStream in = DeploymentFilesTest.class.getResourceAsStream("/application.yml")) {
			Objects.requireNonNull(in, "the gateway's application.yml is not on the test class path");
			return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
		}
	}

	// SnakeYAML maps have string keys; the assertion above checks it is a map
	@SuppressWarnings("unchecked")
	private static Map<String, Object> service(String name) {
		Object service = path(compose, "services", name);
		assertThat(service).as("docker-compose.yml service %s", name).isInstanceOf(Map.class);
		return (Map<String, Object>) service;
	}

	/** A service's environment, whether written as a map or as a list of NAME=value. */
	private static Map<String, String> environment(String service) {
		Object environment = service(service).get("environment");
		Map<String, String> variables = new LinkedHashMap<>();
		if (environment instanceof Map<?, ?> map) {
			map.forEach(
					(name, value) -> variables.put(String.valueOf(name), (value == null) ? "" : String.valueOf(value)));
		}
		else {
			for (String entry : stringList(environment)) {
				int equals = entry.indexOf('=');
				variables.put((equals < 0) ? entry : entry.substring(0, equals),
						(equals < 0) ? "" : entry.substring(equals + 1));
			}
		}
		return variables;
	}

	private static List<PortMapping> ports(String service) {
		Object ports = service(service).get("ports");
		List<PortMapping> mappings = new ArrayList<>();
		if (ports instanceof List<?> list) {
			for (Object port : list) {
				mappings.add((port instanceof Map<?, ?> map) ? PortMapping.of(map)
						: PortMapping.parse(withDefaults(String.valueOf(port))));
			}
		}
		return mappings;
	}

	/**
	 * Replaces {@code ${VAR:-default}} with its default and any other reference with its
	 * name.
	 */
	private static String withDefaults(String text) {
		Matcher matcher = VARIABLE.matcher(text);
		StringBuilder resolved = new StringBuilder();
		while (matcher.find()) {
			String replacement = (matcher.group(3) != null && matcher.group(3).endsWith("-")) ? matcher.group(4)
					: matcher.group(1);
			matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
		}
		return matcher.appendTail(resolved).toString();
	}

	private static Object path(Object node, String... keys) {
		Object current = node;
		for (String key : keys) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(key);
		}
		return current;
	}

	private static List<String> stringList(Object value) {
		return (value instanceof List<?> list) ? list.stream().map(String::valueOf).toList() : List.of();
	}

	private static int toInt(Object value) {
		return Integer.parseInt(withDefaults(String.valueOf(value)).trim());
	}

	private static Map<String, Object> yaml(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file)) {
			return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
		}
	}

	private static Map<String, String> envFile(Path file) throws IOException {
		Map<String, String> variables = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			String trimmed = line.strip();
			if (!trimmed.isEmpty() && !trimmed.startsWith("#") && trimmed.contains("=")) {
				variables.put(trimmed.substring(0, trimmed.indexOf('=')).strip(),
						trimmed.substring(trimmed.indexOf('=') + 1).strip());
			}
		}
		return variables;
	}

	/** The value of {@code key = value} in a rabbitmq.conf-style file. */
	private static String setting(String config, String key) {
		Matcher matcher = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=\\s*(\\S+)").matcher(config);
		assertThat(matcher.find()).as("%s is set", key).isTrue();
		return matcher.group(1);
	}

	/** The default of {@code name=${VARIABLE:-default}} in a shell script. */
	private static String shellDefault(String script, String name) {
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "=\\$\\{[A-Z_]+:-([^}]+)}").matcher(script);
		assertThat(matcher.find()).as("%s has a default", name).isTrue();
		return matcher.group(1);
	}

	/** An SRS release number, {@code major.minor.revision}, ordered by number. */
	private record SrsVersion(int major, int minor, int revision) implements Comparable<SrsVersion> {

		private static final Comparator<SrsVersion> ORDER = Comparator.comparingInt(SrsVersion::major)
			.thenComparingInt(SrsVersion::minor)
			.thenComparingInt(SrsVersion::revision);

		static SrsVersion of(String version) {
			String[] parts = version.split("\\.");
			assertThat(parts).as("SRS version %s", version).hasSize(3);
			return new SrsVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
		}

		@Override
		public int compareTo(SrsVersion other) {
			return ORDER.compare(this, other);
		}

		@Override
		public String toString() {
			return this.major + "." + this.minor + "." + this.revision;
		}

	}

	/**
	 * A published port: {@code [host_ip:]published:target[/protocol]}, or the long
	 * syntax.
	 */
	private record PortMapping(String hostIp, String target) {

		static PortMapping parse(String spec) {
			String mapping = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
			String hostIp = "";
			if (mapping.startsWith("[")) {
				hostIp = mapping.substring(1, mapping.indexOf(']'));
				mapping = mapping.substring(mapping.indexOf(']') + 2);
			}
			String[] parts = mapping.split(":");
			if (parts.length == 3) {
				hostIp = parts[0];
			}
			return new PortMapping(hostIp, parts[parts.length - 1]);
		}

		static PortMapping of(Map<?, ?> longSyntax) {
			Object hostIp = longSyntax.get("host_ip");
			return new PortMapping((hostIp == null) ? "" : String.valueOf(hostIp),
					String.valueOf(longSyntax.get("target")));
		}

	}

	/**
	 * A directive of an SRS (nginx-style) configuration: {@code name args...;} or
	 * {@code name args... { ... }}.
	 */
	private record Directive(String name, List<String> args, List<Directive> children) {

		String arg() {
			assertThat(this.args).as("arguments of %s", this.name).hasSize(1);
			return this.args.get(0);
		}

		Directive child(String childName) {
			List<Directive> found = this.children.stream().filter(child -> child.name().equals(childName)).toList();
			assertThat(found).as("%s in %s", childName, this.name).hasSize(1);
			return found.get(0);
		}

		List<Directive> descendants(String descendantName) {
			List<Directive> found = new ArrayList<>();
			for (Directive child : this.children) {
				if (child.name().equals(descendantName)) {
					found.add(child);
				}
				found.addAll(child.descendants(descendantName));
			}
			return found;
		}

	}

	private record SrsConfig(Directive root) {

		private static final Pattern TOKEN = Pattern.compile("[{};]|[^\\s{};]+");

		static SrsConfig parse(String text) {
			List<String> tokens = new ArrayList<>();
			for (String line : text.split("\n")) {
				String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
				Matcher matcher = TOKEN.matcher(code);
				while (matcher.find()) {
					tokens.add(matcher.group());
				}
			}
			List<Directive> directives = new ArrayList<>();
			int end = block(tokens, 0, directives);
			assertThat(end).as("srs.conf parses to its end").isEqualTo(tokens.size());
			return new SrsConfig(new Directive("root", List.of(), directives));
		}

		/**
		 * Reads directives from {@code start} to the closing brace of the block; answers
		 * the index after it.
		 */
		private static int block(List<String> tokens, int start, List<Directive> into) {
			int i = start;
			List<String> words = new ArrayList<>();
			while (i < tokens.size()) {
				String token = tokens.get(i++);
				switch (token) {
					case ";" -> {
						into.add(new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), List.of()));
						words.clear();
					}
					case "{" -> {
						List<Directive> children = new ArrayList<>();
						i = block(tokens, i, children);
						into.add(new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), children));
						words.clear();
					}
					case "}" -> {
						return i;
					}
					default -> words.add(token);
				}
			}
			assertThat(words).as("srs.conf ends after a complete directive").isEmpty();
			return i;
		}

		Directive vhost() {
			return this.root.children()
				.stream()
				.filter(d -> d.name().equals("vhost") && d.args().equals(List.of("__defaultVhost__")))
				.findFirst()
				.orElseThrow(() -> new AssertionError("srs.conf has no vhost __defaultVhost__"));
		}

		List<Directive> all() {
			List<Directive> all = new ArrayList<>();
			collect(this.root, all);
			return all;
		}

		private static void collect(Directive directive, List<Directive> into) {
			into.add(directive);
			directive.children().forEach(child -> collect(child, into));
		}

	}

}
