package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V8 gives {@code keel_batch_item} the primary key {@code (custom_id, run_id)} and drops V2's
 * custom_id index: a ledger made at V7 keeps every item, the key still refuses a second item with
 * the same custom_id in a run, and a look-up by custom_id alone is served by the key.
 */
class ItemKeyMigrationTest {

    @TempDir
    Path dir;

    private static void atVersion7(String jdbcUrl) {
        Flyway.configure()
                .dataSource(jdbcUrl, null, null)
                .locations("classpath:db/batch")
                .table("keel_batch_schema_history")
                .target("7")
                .load()
                .migrate();
    }

    private static void insertItem(Connection c, String runId, String customId, long lineNo) throws SQLException {
        try (var p = c.prepareStatement("INSERT INTO keel_batch_item (run_id, custom_id, line_no, chunk_no, line,"
                + " est_in_tokens, est_out_tokens, state, replay_count, error_code, updated_at, request_hash)"
                + " VALUES (?, ?, ?, 1, ?, 3, 4, 'FINAL_FAIL', 2, 'server_error', 5, 'hash-1')")) {
            p.setString(1, runId);
            p.setString(2, customId);
            p.setLong(3, lineNo);
            p.setString(4, "{\"custom_id\":\"" + customId + "\"}");
            p.executeUpdate();
        }
    }

    private static void upgradesKeepingItems(String jdbcUrl) throws SQLException {
        atVersion7(jdbcUrl);
        try (var c = DriverManager.getConnection(jdbcUrl)) {
            insertItem(c, "run-a", "id-1", 1);
            insertItem(c, "run-a", "id-2", 2);
            insertItem(c, "run-b", "id-1", 1);
        }

        var ledger = new Ledger(Database.open(jdbcUrl));

        assertThat(ledger.query(
                        "SELECT run_id, custom_id, line_no, line, state, replay_count, error_code, request_hash"
                                + " FROM keel_batch_item ORDER BY run_id, custom_id",
                        rs -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getString(4)
                                + " " + rs.getString(5) + " " + rs.getInt(6) + " " + rs.getString(7) + " "
                                + rs.getString(8)))
                .containsExactly(
                        "run-a id-1 1 {\"custom_id\":\"id-1\"} FINAL_FAIL 2 server_error hash-1",
                        "run-a id-2 2 {\"custom_id\":\"id-2\"} FINAL_FAIL 2 server_error hash-1",
                        "run-b id-1 1 {\"custom_id\":\"id-1\"} FINAL_FAIL 2 server_error hash-1");
        try (var c = DriverManager.getConnection(jdbcUrl)) {
            assertThatThrownBy(() -> insertItem(c, "run-a", "id-2", 9))
                    .as("the key is still the run-wide duplicate check")
                    .isInstanceOf(SQLException.class);
            insertItem(c, "run-c", "id-2", 1);
        }
        try (var h = History.open(ledger, "run-d")) {
            assertThat(h.priors(List.of("id-1", "id-2", "id-3")).of("id-1", "hash-1"))
                    .as("failed there, so not answered; same request, so not changed")
                    .isEqualTo(new History.PriorRequest(null, null));
            assertThat(h.priors(List.of("id-2")).of("id-2", "hash-2").changedIn())
                    .isIn("run-a", "run-c");
        }
    }

    @Test
    void aVersion7SqliteLedger_keepsItsItems_underTheNewKey() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("v7.db");
        upgradesKeepingItems(url);
        var ledger = new Ledger(Database.open(url));
        assertThat(ledger.query(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'keel_batch_item'"
                                + " ORDER BY name",
                        rs -> rs.getString(1)))
                .as("the key's own index and the chunk index; V2's custom_id index is gone")
                .containsExactly("keel_batch_item_chunk", "sqlite_autoindex_keel_batch_item_1");
        assertThat(String.join(
                        "\n",
                        ledger.query(
                                "EXPLAIN QUERY PLAN SELECT run_id FROM keel_batch_item WHERE custom_id = 'id-1'",
                                rs -> rs.getString(4))))
                .contains("INDEX sqlite_autoindex_keel_batch_item_1 (custom_id=?)");
    }

    @Test
    void aVersion7PostgresLedger_keepsItsItems_underTheNewKey() throws Exception {
        try (var pg = TestPostgres.createSchema()) {
            upgradesKeepingItems(pg.jdbcUrl());
            var ledger = new Ledger(Database.open(pg.jdbcUrl()));
            assertThat(ledger.query(
                            "SELECT indexdef FROM pg_indexes WHERE tablename = 'keel_batch_item' AND schemaname = ?"
                                    + " ORDER BY indexname",
                            rs -> rs.getString(1),
                            pg.schema()))
                    .hasSize(2)
                    .anySatisfy(d -> assertThat(d).contains("UNIQUE").contains("(custom_id, run_id)"))
                    .anySatisfy(d -> assertThat(d).contains("(run_id, chunk_no)"));
        }
    }
}
