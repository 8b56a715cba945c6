package dev.keel.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The PostgreSQL fixture isolates each test on the real server and leaves nothing behind (Redis's: keel-store-redis). */
class TestServicesTest {

    @Test
    void postgres_schemaIsPrivateAndDroppedOnClose() throws Exception {
        String schema;
        try (var pg = TestPostgres.createSchema();
                var other = TestPostgres.createSchema()) {
            schema = pg.schema();
            try (var c = pg.connect()) {
                c.createStatement().execute("CREATE TABLE item (id text PRIMARY KEY)");
                c.createStatement().execute("INSERT INTO item VALUES ('a')");
            }
            try (var c = other.connect()) {
                ResultSet rs = c.getMetaData().getTables(null, other.schema(), "item", null);
                assertThat(rs.next())
                        .as("the other test's schema has no table 'item'")
                        .isFalse();
            }
        }
        try (var check = TestPostgres.createSchema();
                var c = check.connect()) {
            ResultSet rs = c.createStatement()
                    .executeQuery(
                            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'");
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }
}
