package dev.streamctl.common.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The settings one service reads: every property of a {@code dev.streamctl}
 * {@code @ConfigurationProperties} class found in the {@value #METADATA} files on its
 * classpath (spring-boot-configuration-processor writes them at compile time), with the
 * values its {@code application.yml} gives some of them.
 * <p>
 * <b>Effective default</b> of a property: the value {@code application.yml} sets, where
 * {@code ${ENV:default}} counts as {@code default} and {@code ${ENV}} as no default; else
 * the metadata's {@code defaultValue} (from {@code @DefaultValue} on the record
 * component). It is <b>normalised</b> to one string: text exactly as written (a Duration
 * {@code 10s} stays {@code 10s}, never {@code PT10S} or {@code 10000ms}; {@code 64KB}
 * stays {@code 64KB}), numbers and booleans as their literal ({@code 16}, {@code true}),
 * lists and sets joined with a comma and no space ({@code live,fwd}); no default and an
 * empty value (an empty string or list) both become {@code null}, which the page writes
 * {@value ConfigurationTable#NO_DEFAULT}.
 * <p>
 * <b>Binding environment variable</b>: the {@code ENV} of a {@code ${ENV...}} placeholder
 * that {@code application.yml} gives the property, else Spring's relaxed-binding form of
 * its name: upper case, {@code .} and {@code -} turned into {@code _}
 * ({@code thumbnail.stream-name-pattern} is {@code THUMBNAIL_STREAM_NAME_PATTERN}).
 */
public final class ServiceSettings {

	public static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final String OUR_CLASSES = "dev.streamctl.";

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String service;

	private final SortedMap<String, Property> properties;

	private final Map<ConfigurationPropertyName, Object> applicationYml;

	private ServiceSettings(String service, SortedMap<String, Property> properties,
			Map<ConfigurationPropertyName, Object> applicationYml) {
		this.service = service;
		this.properties = Collections.unmodifiableSortedMap(properties);
		this.applicationYml = Map.copyOf(applicationYml);
	}

	/**
	 * The service whose tests run: every metadata file on the classpath, and its
	 * {@code application.yml}.
	 */
	public static ServiceSettings fromClasspath(String service) {
		ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
		try {
			List<String> metadata = new ArrayList<>();
			for (URL url : Collections.list(classLoader.getResources(METADATA))) {
				metadata.add(read(url));
			}
			URL yml = classLoader.getResource("application.yml");
			if (yml == null) {
				throw new IllegalStateException(service + " has no application.yml on its classpath");
			}
			ServiceSettings settings = of(service, metadata, read(yml));
			if (settings.properties().isEmpty()) {
				throw new IllegalStateException("No " + METADATA + " on the classpath of " + service
						+ " declares a dev.streamctl property: build with Maven, whose compiler runs "
						+ "spring-boot-configuration-processor (root pom.xml)");
			}
			return settings;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A service from the text of its metadata files and of its {@code application.yml}.
	 * @param service the module name, as the page's services cells write it
	 * @param metadataFiles the content of every {@value #METADATA} on its classpath
	 * @param applicationYml the content of its {@code application.yml}
	 */
	public static ServiceSettings of(String service, List<String> metadataFiles, String applicationYml) {
		SortedMap<String, Property> properties = new TreeMap<>();
		for (String file : metadataFiles) {
			for (JsonNode property : JSON.readTree(file).path("properties")) {
				String sourceType = property.path("sourceType").asString("");
				if (sourceType.startsWith(OUR_CLASSES)) {
					String name = property.path("name").asString();
					properties.putIfAbsent(name, new Property(name, property.path("type").asString(""), sourceType,
							normalise(property.get("defaultValue"))));
				}
			}
		}
		return new ServiceSettings(service, properties, flatten(applicationYml));
	}

	public String service() {
		return this.service;
	}

	/** Every property this service reads, by name. */
	public SortedMap<String, Property> properties() {
		return this.properties;
	}

	/**
	 * The effective default of one of {@link #properties()}, normalised, and where it
	 * comes from.
	 */
	public Value effectiveDefault(String property) {
		Object yml = applicationYmlValue(property);
		if (yml instanceof String text) {
			Matcher placeholder = PLACEHOLDER.matcher(text);
			if (placeholder.matches()) {
				return new Value(emptyToNull(placeholder.group(2)), "application.yml: " + text);
			}
		}
		if (yml != null) {
			return new Value(normaliseYml(yml), "application.yml");
		}
		return new Value(this.properties.get(property).defaultValue(),
				"@DefaultValue in " + this.properties.get(property).sourceType());
	}

	/**
	 * The environment variable that sets one of {@link #properties()}, and why it is that
	 * one.
	 */
	public Binding environmentVariable(String property) {
		if (applicationYmlValue(property) instanceof String text) {
			Matcher placeholder = PLACEHOLDER.matcher(text);
			if (placeholder.matches()) {
				return new Binding(placeholder.group(1), "application.yml: " + text);
			}
		}
		return new Binding(relaxedName(property), "Spring's relaxed binding of " + property);
	}

	/**
	 * {@code thumbnail.stream-name-pattern} becomes
	 * {@code THUMBNAIL_STREAM_NAME_PATTERN}.
	 */
	public static String relaxedName(String property) {
		return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
	}

	/** Whether Spring binds the property from an environment variable of that name. */
	public static boolean springBinds(String variable, String property) {
		PropertySource<?> environment = new SystemEnvironmentPropertySource("environment",
				Map.<String, Object>of(variable, "x"));
		ConfigurationPropertySource source = ConfigurationPropertySources.from(environment).iterator().next();
		return source.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null;
	}

	private @Nullable Object applicationYmlValue(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		Object value = this.applicationYml.get(name);
		if (value != null) {
			return value;
		}
		SortedMap<Integer, Object> elements = new TreeMap<>();
		this.applicationYml.forEach((key, element) -> {
			if (key.isLastElementIndexed() && name.equals(key.getParent())) {
				elements.put(Integer.valueOf(key.getLastElement(ConfigurationPropertyName.Form.ORIGINAL)), element);
			}
		});
		return elements.isEmpty() ? null : List.copyOf(elements.values());
	}

	private static Map<ConfigurationPropertyName, Object> flatten(String applicationYml) {
		try {
			Map<ConfigurationPropertyName, Object> values = new HashMap<>();
			for (PropertySource<?> document : new YamlPropertySourceLoader().load("application.yml",
					new ByteArrayResource(applicationYml.getBytes(StandardCharsets.UTF_8)))) {
				Map<String, Object> source = ((OriginTrackedMapPropertySource) document).getSource();
				if (source.containsKey("spring.config.activate.on-profile")) {
					continue;
				}
				source.forEach((key, value) -> values.put(ConfigurationPropertyName.adapt(key, '.'),
						(value instanceof OriginTrackedValue tracked) ? tracked.getValue() : value));
			}
			return values;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static @Nullable String normalise(@Nullable JsonNode defaultValue) {
		if (defaultValue == null || defaultValue.isNull()) {
			return null;
		}
		if (defaultValue.isArray()) {
			List<String> elements = new ArrayList<>();
			defaultValue.forEach((element) -> elements.add(element.asString()));
			return emptyToNull(String.join(",", elements));
		}
		return emptyToNull(defaultValue.asString());
	}

	private static @Nullable String normaliseYml(Object value) {
		if (value instanceof List<?> list) {
			return emptyToNull(list.stream().map(String::valueOf).collect(Collectors.joining(",")));
		}
		return emptyToNull(String.valueOf(value));
	}

	private static @Nullable String emptyToNull(@Nullable String value) {
		return (value == null || value.isEmpty()) ? null : value;
	}

	private static String read(URL url) throws IOException {
		try (InputStream in = url.openStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/**
	 * One property as its {@code @ConfigurationProperties} class declares it.
	 *
	 * @param name e.g. {@code supabase.columns.id}
	 * @param type the Java type
	 * @param sourceType the class that declares it
	 * @param defaultValue its {@code @DefaultValue}, normalised; {@code null} when it has
	 * none
	 */
	public record Property(String name, String type, String sourceType, @Nullable String defaultValue) {

	}

	/**
	 * A value this service gives a property, and where it comes from.
	 *
	 * @param value normalised; {@code null} for none
	 * @param origin where it comes from, for messages
	 */
	public record Value(@Nullable String value, String origin) {

		/** The value as the page writes it. */
		public String asWritten() {
			return (this.value == null) ? ConfigurationTable.NO_DEFAULT : "`" + this.value + "`";
		}

	}

	/**
	 * The environment variable that sets a property, and where that comes from.
	 *
	 * @param variable e.g. {@code SUPABASE_URL}
	 * @param origin where it comes from, for messages
	 */
	public record Binding(String variable, String origin) {

	}

}
