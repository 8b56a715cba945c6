package dev.keel.batch.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run spans the ledger keeps for links across restarts, on SQLite and PostgreSQL. */
class RunSpansTest {

    @TempDir
    Path dir;

    @Test
    void newest_onSqlite_isNewestFirstPerRunAndKeepsOneRowPerSpan() {
        kept(new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db"))));
    }

    @Test
    void newest_onPostgres_isNewestFirstPerRunAndKeepsOneRowPerSpan() {
        try (TestPostgres pg = TestPostgres.createSchema()) {
            kept(new Ledger(Database.open(pg.jdbcUrl())));
        }
    }

    private static void kept(Ledger ledger) {
        var spans = new RunSpans(ledger);
        var first = new RunSpans.Span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "01", "w1", 1_000);
        var second = new RunSpans.Span("1af7651916cd43dd8448eb211c80319c", "c7ad6b7169203331", "00", "w2", 2_000);
        spans.record("run-1", first);
        spans.record("run-1", second);
        spans.record("run-1", first);
        spans.record(
                "run-2", new RunSpans.Span("2af7651916cd43dd8448eb211c80319c", "d7ad6b7169203331", "01", "w3", 3_000));

        assertThat(spans.newest("run-1", 10)).containsExactly(second, first);
        assertThat(spans.newest("run-1", 1)).containsExactly(second);
        assertThat(spans.newest("run-3", 10)).isEmpty();
    }
}
