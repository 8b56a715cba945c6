package dev.keel.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The fixtures isolate each test on the real PostgreSQL and Redis and leave nothing behind. */
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

    @Test
    void redis_keysUnderThePrefixAreDeletedOnClose() {
        String key;
        try (var redis = TestRedis.withFreshPrefix();
                var other = TestRedis.withFreshPrefix()) {
            assertThat(redis.prefix()).isNotEqualTo(other.prefix());
            key = redis.prefix() + "k";
            redis.commands().set(key, "v");
            other.commands().set(other.prefix() + "k", "w");
            assertThat(redis.commands().get(key)).isEqualTo("v");
        }
        try (var check = TestRedis.withFreshPrefix()) {
            assertThat(check.commands().exists(key)).isZero();
        }
    }
}
