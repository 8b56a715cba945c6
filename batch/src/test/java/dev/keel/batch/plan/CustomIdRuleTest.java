package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.run.RunOutcome;
import dev.keel.core.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One custom_id rule on both ledgers (issue 14, point 8): over 512 characters or with a control
 * character is refused by the validator with file:line on SQLite (which would have stored it) and on
 * PostgreSQL (which would have rolled the plan back), and exactly 512 characters runs on both.
 */
class CustomIdRuleTest {

    @TempDir
    Path dir;

    private static String line(String customId) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                + "{\"model\":\"gpt-4.1-mini\",\"input\":\"hi\",\"max_output_tokens\":20}}";
    }

    private void onBothLedgers(Consumer<BatchFixture> test) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("sqlite"));
        java.nio.file.Files.createDirectories(dir.resolve("pg"));
        try (var f = BatchFixture.sqlite(dir.resolve("sqlite"))) {
            test.accept(f);
        }
        try (var pg = TestPostgres.createSchema();
                var f = new BatchFixture(dir.resolve("pg"), pg.jdbcUrl())) {
            test.accept(f);
        }
    }

    private static void assertRefusedAtLine2(BatchFixture f, Path in, String reason) {
        PlanResult r = f.plan(in, PlanConfig.ofDefaults());
        assertThat(r.accepted()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.toString()).startsWith(in + ":2: ");
            assertThat(p.reason()).startsWith(reason);
            assertThat(p.toString()).doesNotContain("\u0000");
        });
        assertThat(f.ledger.run(r.runId())).isEmpty();
    }

    @Test
    void aCustomIdOver512Characters_isRefusedWithFileLine_onSqliteAndPostgres() throws Exception {
        onBothLedgers(f -> {
            Path in = f.write("long.jsonl", List.of(line("ok"), line("x".repeat(513))));
            assertRefusedAtLine2(f, in, "custom_id is 513 characters, over the 512-character limit");
        });
    }

    @Test
    void aCustomIdWithANul_isRefusedWithFileLine_onSqliteAndPostgres() throws Exception {
        onBothLedgers(f -> {
            Path in = f.write("nul.jsonl", List.of(line("ok"), line("a\\u0000b")));
            assertRefusedAtLine2(f, in, "custom_id has the control character U+0000 at character 2");
            PlanResult r = f.plan(in, PlanConfig.ofDefaults());
            assertThat(r.problems().get(0).customId()).isEqualTo("a\\u0000b");
        });
    }

    @Test
    void aCustomIdWithAnotherControlCharacter_isRefused() throws Exception {
        onBothLedgers(f -> {
            Path in = f.write("tab.jsonl", List.of(line("ok"), line("a\\tb")));
            assertRefusedAtLine2(f, in, "custom_id has the control character U+0009");
        });
    }

    @Test
    void aCustomIdOfExactly512Characters_runsOnSqliteAndPostgres() throws Exception {
        onBothLedgers(f -> {
            String id = "é".repeat(512); // 512 characters, 1024 bytes: the limit counts characters
            Path in = f.write("max.jsonl", List.of(line(id)));
            PlanResult r = f.plan(in, PlanConfig.ofDefaults());
            assertThat(r.accepted()).isTrue();
            try {
                assertThat(f.runner(BatchFixture.fast()).drive(r.runId()))
                        .isEqualTo(new RunOutcome.Finished(r.runId(), 1, 0, false));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(f.history().results(r.runId()).stream().map(dev.keel.batch.ledger.ResultRecord::customId))
                    .containsExactly(id);
        });
    }
}
