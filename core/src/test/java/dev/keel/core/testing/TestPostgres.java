package dev.keel.core.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A private schema on the machine's real PostgreSQL (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}, trust auth), created fresh for one test and dropped with everything in it on
 * {@link #close()}, so leftovers from an earlier run never matter. Thread-safe.
 */
public final class TestPostgres implements AutoCloseable {

    /** Where {@code bin/test} makes sure PostgreSQL answers; override with {@code KEEL_TEST_PG_URL}. */
    public static final String SERVER_URL =
            System.getenv().getOrDefault("KEEL_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema;

    private TestPostgres(String schema) {
        this.schema = schema;
    }

    /**
     * Creates a schema named {@code keel_t_<random>}.
     *
     * @throws IllegalStateException when PostgreSQL does not answer, saying how to start it
     */
    public static TestPostgres createSchema() {
        String schema =
                "keel_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(SERVER_URL)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not reachable at " + SERVER_URL + " — run the tests with bin/test, which starts it ("
                            + e.getMessage() + ")",
                    e);
        }
        return new TestPostgres(schema);
    }

    /** The schema's name. */
    public String schema() {
        return schema;
    }

    /** A JDBC URL whose connections use this schema by default. */
    public String jdbcUrl() {
        return SERVER_URL + (SERVER_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new connection in this schema; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** Drops the schema and everything in it. */
    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER_URL)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
