package dev.streamctl.store;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the channel table is and how to talk to it. Bound from {@code SUPABASE_URL},
 * {@code SUPABASE_KEY} and {@code SUPABASE_*} by the services that use the directory,
 * through service-support's channel directory auto-configuration.
 *
 * @param url the project URL, e.g. {@code https://xyz.supabase.co}; REST is under
 * {@code /rest/v1}
 * @param key the API key: writers need the service_role or a secret key, since row-level
 * security hides writes made with the anon key
 * @param table the channel table
 * @param columns the column names
 * @param requestTimeout longest wait for one answer
 * @param retries how often a request that failed transiently is tried again before giving
 * up
 * @param retryBackoff the first pause between tries; it doubles, with jitter, up to
 * {@code retryMaxBackoff}
 * @param retryMaxBackoff the longest pause between tries
 * @param cacheTtl how long a channel found by key is remembered
 * @param negativeCacheTtl how long a key found in no channel is remembered
 * @param cacheSize how many keys are remembered
 */
@Validated
@ConfigurationProperties("supabase")
public record SupabaseSettings(@NotNull URI url,
		@NotBlank(message = "must be set: the Supabase service_role or secret key") String key,
		@NotBlank @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*") @DefaultValue(DEFAULT_TABLE) String table,
		@Valid @NotNull @DefaultValue Columns columns, @NotNull @DefaultValue("5s") Duration requestTimeout,
		@Min(0) @Max(10) @DefaultValue("2") int retries, @NotNull @DefaultValue("200ms") Duration retryBackoff,
		@NotNull @DefaultValue("2s") Duration retryMaxBackoff, @NotNull @DefaultValue("5m") Duration cacheTtl,
		@NotNull @DefaultValue("30s") Duration negativeCacheTtl, @Min(1) @DefaultValue("100000") long cacheSize) {

	private static final String COLUMN = "[A-Za-z_][A-Za-z0-9_]*";

	/** The original design's channel table. */
	public static final String DEFAULT_TABLE = "channels_channel";

	/**
	 * Whether the table and its columns are the original design's, which the store's
	 * {@code apply_stream_events} function names in its SQL.
	 */
	public boolean originalDesign() {
		return DEFAULT_TABLE.equals(this.table) && Columns.ORIGINAL.equals(this.columns);
	}

	@Override
	public String toString() {
		return "SupabaseSettings[url=" + this.url + ", key=(" + (this.key == null ? 0 : this.key.length())
				+ " characters), table=" + this.table + ", columns=" + this.columns + ", requestTimeout="
				+ this.requestTimeout + ", retries=" + this.retries + "]";
	}

	/** Column names of the channel table; the defaults are the original design's. */
	public record Columns(@NotBlank @Pattern(regexp = COLUMN) @DefaultValue("id") String id,
			@NotBlank @Pattern(regexp = COLUMN) @DefaultValue("stream_id") String streamKey,
			@NotBlank @Pattern(regexp = COLUMN) @DefaultValue("is_on_live") String live,
			@NotBlank @Pattern(regexp = COLUMN) @DefaultValue("last_status") String status,
			@NotBlank @Pattern(regexp = COLUMN) @DefaultValue("cover") String cover,
			@NotBlank @Pattern(regexp = COLUMN) @DefaultValue("modified") String modified) {

		/** The original design's columns, those bound when none is configured. */
		public static final Columns ORIGINAL = new Columns("id", "stream_id", "is_on_live", "last_status", "cover",
				"modified");

	}

}
