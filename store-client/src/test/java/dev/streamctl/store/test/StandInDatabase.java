package dev.streamctl.store.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.streamctl.common.test.RepositoryFiles;
import org.jspecify.annotations.Nullable;

/**
 * A database of its own on the local PostgreSQL, made as the local Supabase stand-in of
 * {@code docker-compose.yml} makes its database at first start: {@code supabase/init.sql}
 * and then every file of {@code supabase/migrations} in name order, each run by
 * {@code psql} as the postgres image runs its initdb scripts ({@code ON_ERROR_STOP},
 * {@code POSTGRES_PASSWORD} in the environment for init.sql's {@code \getenv}). Dropped
 * on {@link #close()}.
 * <p>
 * The server is the one on localhost:5432, user {@code postgres} with trust
 * authentication. Without it, or without {@code psql}, {@link #create} fails saying what
 * to start or install: tests that need the real database never skip.
 */
public final class StandInDatabase implements AutoCloseable {

	private static final String HOST = "localhost";

	private static final int PORT = 5432;

	private static final String SUPERUSER = "postgres";

	/**
	 * Roles belong to the server, not to a database: loads of init.sql, which makes them
	 * when missing, take turns (an advisory lock of the maintenance database), also
	 * between test JVMs.
	 */
	private static final long ROLES_LOCK = 0x5354_5245_414d_4354L;

	private static final long PSQL_DEADLINE_SECONDS = 120;

	private final String name;

	private StandInDatabase(String name) {
		this.name = name;
	}

	/**
	 * A new database named {@code <prefix>_<random>} with init.sql and every migration
	 * loaded.
	 */
	public static StandInDatabase create(String prefix) {
		StandInDatabase database = new StandInDatabase(
				prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
		try (Connection maintenance = maintenance(); Statement statement = maintenance.createStatement()) {
			statement.execute("create database " + database.name);
			try {
				statement.execute("select pg_advisory_lock(" + ROLES_LOCK + ")");
				try {
					database.load(RepositoryFiles.find("supabase/init.sql"));
				}
				finally {
					statement.execute("select pg_advisory_unlock(" + ROLES_LOCK + ")");
				}
				for (Path migration : migrations()) {
					database.load(migration);
				}
			}
			catch (RuntimeException ex) {
				database.close();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not create database " + database.name, ex);
		}
		return database;
	}

	/**
	 * The files of {@code supabase/migrations}, in the order they apply (their names).
	 */
	public static List<Path> migrations() {
		try (Stream<Path> files = Files.list(RepositoryFiles.find("supabase/migrations"))) {
			return files.filter(file -> file.getFileName().toString().endsWith(".sql")).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String name() {
		return this.name;
	}

	/** A connection as the superuser. */
	public Connection connect() {
		try {
			return connect(this.name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not connect to database " + this.name, ex);
		}
	}

	/**
	 * A connection that acts as {@code role} ({@code SET ROLE}), as PostgREST does for a
	 * request.
	 */
	public Connection connectAs(String role) {
		Connection connection = connect();
		try (Statement statement = connection.createStatement()) {
			statement.execute("set role " + role);
			return connection;
		}
		catch (SQLException ex) {
			try {
				connection.close();
			}
			catch (SQLException closing) {
				ex.addSuppressed(closing);
			}
			throw new IllegalStateException("could not become " + role, ex);
		}
	}

	/**
	 * Runs a SQL file with psql as the postgres image runs its initdb scripts, and fails
	 * with psql's output when psql does.
	 */
	public void load(Path file) {
		List<String> command = List.of("psql", "-v", "ON_ERROR_STOP=1", "--no-password", "--no-psqlrc", "--host", HOST,
				"--port", String.valueOf(PORT), "--username", SUPERUSER, "--dbname", this.name, "--file",
				file.toString());
		Path output = null;
		try {
			output = Files.createTempFile("psql-", ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile());
			Map<String, String> environment = builder.environment();
			environment.keySet().removeIf(variable -> variable.startsWith("PG"));
			// for init.sql's \getenv: the password of a new authenticator role
			environment.put("POSTGRES_PASSWORD", UUID.randomUUID().toString());
			Process psql = start(builder);
			if (!psql.waitFor(PSQL_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
				psql.destroyForcibly();
				throw new IllegalStateException(
						"psql did not load " + file + " within " + PSQL_DEADLINE_SECONDS + " s: " + read(output));
			}
			if (psql.exitValue() != 0) {
				throw new IllegalStateException(
						"psql failed (exit " + psql.exitValue() + ") to load " + file + ":\n" + read(output));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted loading " + file, ex);
		}
		finally {
			deleteQuietly(output);
		}
	}

	/** Drops the database, closing whatever connections it still has. */
	@Override
	public void close() {
		try (Connection maintenance = maintenance(); Statement statement = maintenance.createStatement()) {
			statement.execute("drop database if exists " + this.name + " with (force)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not drop database " + this.name, ex);
		}
	}

	private static Process start(ProcessBuilder builder) {
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("psql is not on the PATH: the tests load the SQL files of supabase/ "
					+ "with it, as the postgres image does (Debian: apt-get install postgresql-client; .ci/run "
					+ "installs it)", ex);
		}
	}

	private static String read(Path output) throws IOException {
		return Files.readString(output, StandardCharsets.UTF_8);
	}

	private static void deleteQuietly(@Nullable Path file) {
		try {
			if (file != null) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			// a temporary file left behind
		}
	}

	/**
	 * The server's maintenance database, failing with what to start when there is no
	 * server.
	 */
	private static Connection maintenance() {
		try {
			return connect("postgres");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("No PostgreSQL for the tests of supabase/ at " + HOST + ":" + PORT
					+ " (user " + SUPERUSER + ", trust authentication): start it (Debian: pg_ctlcluster 15 main "
					+ "start, or service postgresql start; .ci/run does), then check with pg_isready -h " + HOST + " ("
					+ ex.getMessage() + ")", ex);
		}
	}

	private static Connection connect(String database) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", SUPERUSER);
		properties.setProperty("connectTimeout", "10");
		properties.setProperty("ApplicationName", "streamctl-tests");
		return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + database, properties);
	}

}
