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

    public Dialect dialect() {
        return dialect;
    }

    /** The URL with secrets redacted. */
    @Override
    public String toString() {
        return description;
    }
}
