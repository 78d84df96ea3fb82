package dev.streamctl.store;

import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Maps PostgREST's answers to outcomes: 408, 429 and 5xx are transient; any other 4xx is
 * permanent, with a message that names the cause and the fix. Quoted values in
 * PostgREST's messages are masked, since they can echo a filter value such as a stream
 * key.
 */
final class PostgrestErrors {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern QUOTED = Pattern.compile("\"([^\"]{0,3})[^\"]*\"");

	private PostgrestErrors() {
	}

	static DirectoryException classify(int status, String body, String what, SupabaseSettings settings) {
		String code = field(body, "code");
		String detail = "HTTP " + status + (code.isEmpty() ? "" : " " + code) + ": " + mask(field(body, "message"));
		if (status == 408 || status == 429 || status >= 500) {
			return new DirectoryUnavailableException("Supabase could not " + what + " now (" + detail + ")", null);
		}
		String fix = switch (status) {
			case 401 -> "Supabase refused the API key: set SUPABASE_KEY to the project's service_role or secret key";
			case 403 -> "the API key may not " + what + " on " + settings.table()
					+ ": use the service_role or a secret key, or grant the role access to the table";
			case 404 -> "table " + settings.table() + " was not found: check SUPABASE_TABLE and that SUPABASE_URL ("
					+ settings.url() + ") is the right project";
			default -> ("PGRST204".equals(code) || "42703".equals(code))
					? "a configured column does not exist in " + settings.table() + ": check SUPABASE_COLUMNS_*"
					: "Supabase refused to " + what;
		};
		return new DirectoryRejectedException(status, code, fix + " (" + detail + ")");
	}

	static DirectoryException unreachable(String what, Duration timeout, Throwable cause) {
		String reason = timedOut(cause) ? "no answer within " + timeout
				: cause.getClass().getSimpleName() + ": " + cause.getMessage();
		return new DirectoryUnavailableException("Supabase could not be asked to " + what + " (" + reason + ")", cause);
	}

	/** Whether a failure, or one of its causes, is a timeout (Reactor's or the JDK's). */
	private static boolean timedOut(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException
					|| cause instanceof SocketTimeoutException) {
				return true;
			}
		}
		return false;
	}

	static DirectoryRejectedException writeHidden(String table) {
		return new DirectoryRejectedException(0, "", "a write to " + table + " matched no row although the row is "
				+ "older: row-level security hides writes from this API key (the anon key?). Set SUPABASE_KEY to the "
				+ "service_role or a secret key");
	}

	private static String field(String body, String name) {
		try {
			JsonNode node = JSON.readTree(body);
			JsonNode value = (node == null) ? null : node.get(name);
			return (value == null || value.isNull()) ? "" : value.asString();
		}
		catch (JacksonException ex) {
			return "";
		}
	}

	private static String mask(String message) {
		return QUOTED.matcher(message).replaceAll("\"$1***\"");
	}

}
