package dev.keel.batch.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What earlier runs of the ledger hold for the custom_ids a plan reads (request reuse), on a
 * connection of its own: it sees only committed runs, which is what a look-up wants (the run being
 * planned is not history, and its uncommitted items stay out of sight), and it never waits for the
 * plan's writes. One query per batch of ids. Not thread-safe: a planning thread opens its own.
 */
public final class History implements AutoCloseable {

    /**
     * The most ids one query asks for: more than a planner's batch of lines (512), so a batch is one
     * query; well under the bind-variable limits of SQLite (32,766) and PostgreSQL (65,535).
     */
    static final int IDS_PER_QUERY = 1_000;

    /** The most rows of earlier runs a look-up keeps per custom_id, newest first. */
    static final int PRIORS_PER_ID = 50;

    /** SQLite's page cache for a look-up connection (that connection only). */
    static final int CACHE_KIB = 16 * 1024;

    private final Ledger ledger;
    private final String runId;
    private final Connection c;

    private History(Ledger ledger, String runId) throws SQLException {
        this.ledger = ledger;
        this.runId = runId;
        // Each look-up visits the key, the item and its result for hundreds of ids at a time; SQLite's
        // default 2 MB cache would re-read those pages from the file.
        this.c = ledger.database().connect(CACHE_KIB);
        c.setAutoCommit(true);
    }

    /** Opens a look-up of the runs other than {@code runId}. */
    public static History open(Ledger ledger, String runId) {
        try {
            return new History(ledger, runId);
        } catch (SQLException e) {
            throw ledger.failure("open a look-up of earlier runs", e);
        }
    }

    /**
     * Whether the ledger holds items of any other run. When it does not, no line can have a prior
     * request and a planner need not look any up.
     */
    public boolean any() {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM keel_batch_item WHERE run_id <> ? LIMIT 1")) {
            Ledger.bind(p, runId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw ledger.failure("look up earlier runs", e);
        }
    }

    /**
     * What earlier runs hold for each of {@code customIds}, in one query per up to {@value
     * #IDS_PER_QUERY} ids; for each id the newest {@value #PRIORS_PER_ID} rows are kept.
     */
    public Priors priors(Collection<String> customIds) {
        var rows = new HashMap<String, List<PriorRow>>();
        var ids = new ArrayList<>(new LinkedHashSet<>(customIds));
        try {
            for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
                var part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
                String sql = "SELECT i.custom_id, i.run_id, i.request_hash, i.state, r.status_code"
                        + " FROM keel_batch_item i LEFT JOIN keel_batch_result r"
                        + " ON r.run_id = i.run_id AND r.custom_id = i.custom_id"
                        + " WHERE i.custom_id IN (" + "?, ".repeat(part.size() - 1) + "?) AND i.run_id <> ?"
                        + " AND i.request_hash IS NOT NULL ORDER BY i.custom_id, i.updated_at DESC, i.run_id DESC";
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    int i = 1;
                    for (String id : part) {
                        p.setString(i++, id);
                    }
                    p.setString(i, runId);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            String state = rs.getString(4);
                            boolean answered =
                                    ("SUCCEEDED".equals(state) || "REUSED".equals(state)) && rs.getInt(5) == 200;
                            List<PriorRow> of = rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
                            if (of.size() < PRIORS_PER_ID) {
                                of.add(new PriorRow(rs.getString(2), rs.getString(3), answered));
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw ledger.failure(
                    "look up earlier requests of custom_id " + ids.getFirst()
                            + (ids.size() > 1 ? " and " + (ids.size() - 1) + " more" : ""),
                    e);
        }
        return new Priors(rows);
    }

    @Override
    public void close() {
        try {
            c.close();
        } catch (SQLException e) {
            throw ledger.failure("close a look-up of earlier runs", e);
        }
    }

    /** An earlier run's item of a custom_id: its run, its request hash, whether it was answered. */
    private record PriorRow(String runId, String hash, boolean answered) {}

    /** The rows of earlier runs for a set of custom_ids, from {@link #priors}. Immutable. */
    public static final class Priors {
        private final Map<String, List<PriorRow>> rows;

        private Priors(Map<String, List<PriorRow>> rows) {
            this.rows = rows;
        }

        /**
         * The newest run where the request with {@code hash} succeeded (its result can stand in),
         * else the newest run that had {@code customId} with another request.
         */
        public PriorRequest of(String customId, String hash) {
            String changed = null;
            for (PriorRow r : rows.getOrDefault(customId, List.of())) {
                if (hash.equals(r.hash())) {
                    if (r.answered()) {
                        return new PriorRequest(r.runId(), null);
                    }
                } else if (changed == null) {
                    changed = r.runId();
                }
            }
            return new PriorRequest(null, changed);
        }
    }

    /**
     * What earlier runs hold for a request.
     *
     * @param answeredIn the run whose result for the same request can be reused, or null
     * @param changedIn a run that had the same {@code custom_id} with a different request, or null
     */
    public record PriorRequest(String answeredIn, String changedIn) {}
}
