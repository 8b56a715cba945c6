package dev.keel.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Spend counters in a SQL database (PostgreSQL for several gateway processes; SQLite works for one
 * machine), table {@code keel_gateway_spend} made by Flyway ({@code db/gateway}). A reservation is one
 * transaction of conditional updates ({@code spent + n <= cap}), one per period in a fixed order, so
 * the row locks serialise racing reservations and none can pass a cap. At most {@code connections}
 * connections are open at once (kept and reused). Thread-safe.
 */
public final class JdbcSpendLedger implements SpendLedger {

    private static final String ENSURE = "INSERT INTO keel_gateway_spend (key_id, period, spent_nanos) VALUES (?, ?, 0)"
            + " ON CONFLICT (key_id, period) DO NOTHING";
    private static final String RESERVE = "UPDATE keel_gateway_spend SET spent_nanos = spent_nanos + ?"
            + " WHERE key_id = ? AND period = ? AND spent_nanos + ? <= ?";
    private static final String ADJUST =
            "UPDATE keel_gateway_spend SET spent_nanos = spent_nanos + ? WHERE key_id = ? AND period = ?";
    private static final String READ = "SELECT spent_nanos FROM keel_gateway_spend WHERE key_id = ? AND period = ?";

    private final DataSource dataSource;
    private final Semaphore permits;
    private final BlockingQueue<Connection> idle;

    /** Uses {@code dataSource}, creating or upgrading the table first. */
    public JdbcSpendLedger(DataSource dataSource, int connections) {
        this.dataSource = dataSource;
        this.permits = new Semaphore(connections);
        this.idle = new ArrayBlockingQueue<>(connections);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/gateway")
                .table("keel_gateway_schema_history")
                .baselineOnMigrate(true)
                .load()
                .migrate();
    }

    @Override
    public boolean reserve(String keyId, List<Period> periods, long nanos) {
        return inTransaction("reserve", keyId, c -> {
            for (Period p : periods) {
                try (PreparedStatement s = c.prepareStatement(ENSURE)) {
                    s.setString(1, keyId);
                    s.setString(2, p.name());
                    s.executeUpdate();
                }
            }
            for (Period p : periods) {
                try (PreparedStatement s = c.prepareStatement(RESERVE)) {
                    s.setLong(1, nanos);
                    s.setString(2, keyId);
                    s.setString(3, p.name());
                    s.setLong(4, nanos);
                    s.setLong(5, p.capNanos());
                    if (s.executeUpdate() != 1) {
                        c.rollback();
                        return false;
                    }
                }
            }
            return true;
        });
    }

    @Override
    public void adjust(String keyId, List<Period> periods, long deltaNanos) {
        inTransaction("settle", keyId, c -> {
            for (Period p : periods) {
                try (PreparedStatement s = c.prepareStatement(ADJUST)) {
                    s.setLong(1, deltaNanos);
                    s.setString(2, keyId);
                    s.setString(3, p.name());
                    s.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public long spent(String keyId, String period) {
        return inTransaction("read", keyId, c -> {
            try (PreparedStatement s = c.prepareStatement(READ)) {
                s.setString(1, keyId);
                s.setString(2, period);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String what, String keyId, Work<T> work) {
        permits.acquireUninterruptibly();
        Connection c = null;
        try {
            c = idle.poll();
            if (c == null || c.isClosed()) {
                c = dataSource.getConnection();
                c.setAutoCommit(false);
            }
            T result = work.run(c);
            c.commit();
            idle.offer(c);
            c = null;
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "gateway spend " + what + " for key " + keyId + " failed: " + e.getMessage(), e);
        } finally {
            if (c != null) {
                closeQuietly(c);
            }
            permits.release();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.rollback();
            c.close();
        } catch (SQLException ignored) {
            // the connection is dropped either way
        }
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
