package dev.keel.store.jdbc;

import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Idempotency records in a SQL database — SQLite (one machine) or PostgreSQL (many workers) — with
 * one schema for both, created by Flyway ({@code db/keel}). The claim is one atomic upsert that only
 * takes an absent or expired key. Thread-safe; each call borrows a connection from the data source.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

    private static final String CLAIM =
            "INSERT INTO keel_idempotency (idem_key, state, token, result_hash, result, expires_at)"
                    + " VALUES (?, 'PENDING', ?, NULL, NULL, ?)"
                    + " ON CONFLICT (idem_key) DO UPDATE SET state = 'PENDING', token = excluded.token, result_hash = NULL,"
                    + " result = NULL, expires_at = excluded.expires_at WHERE keel_idempotency.expires_at <= ?";
    private static final String READ = "SELECT state, result_hash, result FROM keel_idempotency WHERE idem_key = ?";
    private static final String COMPLETE = "UPDATE keel_idempotency SET state = 'DONE', result_hash = ?, result = ?,"
            + " expires_at = ? WHERE idem_key = ? AND token = ? AND state = 'PENDING'";
    private static final String RELEASE =
            "DELETE FROM keel_idempotency WHERE idem_key = ? AND token = ? AND state = 'PENDING'";

    private final DataSource dataSource;
    private final InstantSource clock;

    /** Uses {@code dataSource}, creating or upgrading keel's tables first. */
    public JdbcIdempotencyStore(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        migrate(dataSource);
    }

    /** Creates or upgrades keel's tables (idempotent; safe from several processes at once). */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/keel")
                .table("keel_schema_history")
                .baselineOnMigrate(true)
                .load()
                .migrate();
    }

    @Override
    public Claim claim(IdempotencyKey key, Duration ttl) {
        String token = UUID.randomUUID().toString();
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement p = c.prepareStatement(CLAIM)) {
                p.setString(1, key.value());
                p.setString(2, token);
                p.setLong(3, now + ttl.toMillis());
                p.setLong(4, now);
                if (p.executeUpdate() == 1) {
                    return new Claim.Acquired(token);
                }
            }
            return read(c, key);
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency claim for " + key + " failed: " + e.getMessage(), e);
        }
    }

    private static Claim read(Connection c, IdempotencyKey key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(READ)) {
            p.setString(1, key.value());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next() || !"DONE".equals(rs.getString(1))) {
                    return new Claim.InProgress();
                }
                return new Claim.Done(rs.getString(2), rs.getString(3));
            }
        }
    }

    @Override
    public boolean complete(IdempotencyKey key, String token, String result, Duration ttl) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement p = c.prepareStatement(COMPLETE)) {
            p.setString(1, IdempotencyStore.hash(result));
            p.setString(2, result);
            p.setLong(3, clock.millis() + ttl.toMillis());
            p.setString(4, key.value());
            p.setString(5, token);
            return p.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency complete for " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(IdempotencyKey key, String token) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement p = c.prepareStatement(RELEASE)) {
            p.setString(1, key.value());
            p.setString(2, token);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency release for " + key + " failed: " + e.getMessage(), e);
        }
    }
}
