package dev.keel.batch.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A ledger database from a JDBC URL: {@code jdbc:sqlite:PATH} (one process at a time) or {@code
 * jdbc:postgresql://…} (many workers), with the batch tables created or upgraded on open.
 */
public final class Database {

    /** Which SQL the ledger may use. */
    public enum Dialect {
        SQLITE,
        POSTGRES
    }

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String description;

    private Database(DataSource dataSource, Dialect dialect, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.description = description;
    }

    /**
     * Opens {@code jdbcUrl} and migrates the schema.
     *
     * @throws IllegalArgumentException for a URL that is neither SQLite nor PostgreSQL, or a database
     *     that cannot be opened (the message says which and why)
     */
    public static Database open(String jdbcUrl) {
        Database db;
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            db = sqlite(jdbcUrl);
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            var ds = new PGSimpleDataSource();
            ds.setURL(jdbcUrl);
            db = new Database(ds, Dialect.POSTGRES, redact(jdbcUrl));
        } else {
            throw new IllegalArgumentException("--db '" + redact(jdbcUrl)
                    + "' is not supported: use jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB");
        }
        db.migrate();
        return db;
    }

    /** The page size of a new SQLite ledger. */
    static final int SQLITE_PAGE_BYTES = 16 * 1024;

    /**
     * Gives a ledger file that does not exist yet 16 KiB pages instead of SQLite's 4 KiB: a plan
     * writes all its items (a line of JSON each) in one transaction, and with bigger pages its writer
     * and the commit's checkpoint cost less CPU (D144). SQLite fixes the page size when the
     * file gets its header, which switching it to WAL does here, so a ledger made before keeps its
     * pages. {@code SQLiteConfig}'s own page-size setting cannot do this: it may be applied after the
     * switch to WAL, when the size can no longer change.
     */
    private static void createWithPageSize(String jdbcUrl, Path file) {
        String name = file.toString();
        if (name.isEmpty() || name.startsWith(":memory:") || name.startsWith("file:")) {
            return;
        }
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                return;
            }
            try (var c = java.sql.DriverManager.getConnection(jdbcUrl);
                    var s = c.createStatement()) {
                s.execute("PRAGMA page_size = " + SQLITE_PAGE_BYTES);
                s.execute("PRAGMA journal_mode = WAL");
            }
        } catch (java.io.IOException | java.sql.SQLException e) {
            throw new IllegalArgumentException("cannot create the ledger " + file + ": " + e.getMessage(), e);
        }
    }

    private static Database sqlite(String jdbcUrl) {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        int q = path.indexOf('?');
        Path file = Path.of(q < 0 ? path : path.substring(0, q));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(
                    "cannot create the folder for ledger " + file + ": " + e.getMessage(), e);
        }
        createWithPageSize(jdbcUrl, file);
        var config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        var ds = new SQLiteDataSource(config);
        ds.setUrl(jdbcUrl);
        return new Database(ds, Dialect.SQLITE, jdbcUrl);
    }

    private void migrate() {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/batch")
                    .table("keel_batch_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot open the ledger " + description + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** A URL with any password query parameter replaced, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1<redacted>");
    }

    /** A new connection; the caller closes it. */
    Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * A new connection whose SQLite page cache is {@code cacheKib} KiB (this connection only;
     * SQLite's default is 2 MB); on PostgreSQL the same as {@link #connect()}.
     */
    Connection connect(int cacheKib) throws SQLException {
        Connection c = connect();
        if (dialect == Dialect.SQLITE) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA cache_size = -" + cacheKib);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The URL with secrets redacted. */
    @Override
    public String toString() {
        return description;
    }
}
