package dev.keel.batch.run;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that decides which failed batch lines are replayed: raw codes map to {@code
 * rate_limit}, {@code timeout} or {@code server_error} (retryable) or {@code final}.
 *
 * <p>A line's raw code is its {@code error.code} (e.g. {@code batch_expired}), else the {@code
 * error.code} or {@code error.type} in its response body, else {@code http_<status>}. The default
 * table ({@link #DEFAULTS}) is documented in docs/batch.md; {@link #with} overrides or adds entries
 * ({@code --retryable CODE=CLASS}). An unknown code is final: replaying what we do not understand
 * is how replay loops start. Immutable.
 */
public final class ReplayPolicy {

    /** The default mapping of raw codes. */
    public static final Map<String, FailureClass> DEFAULTS = defaults();

    private final Map<String, FailureClass> table;

    private ReplayPolicy(Map<String, FailureClass> table) {
        this.table = Map.copyOf(table);
    }

    public static ReplayPolicy ofDefaults() {
        return new ReplayPolicy(DEFAULTS);
    }

    private static Map<String, FailureClass> defaults() {
        var m = new LinkedHashMap<String, FailureClass>();
        m.put("rate_limit_exceeded", FailureClass.RATE_LIMIT);
        m.put("token_limit_exceeded", FailureClass.RATE_LIMIT);
        m.put("http_429", FailureClass.RATE_LIMIT);
        m.put("insufficient_quota", FailureClass.FINAL);
        m.put("batch_expired", FailureClass.TIMEOUT);
        m.put("timeout", FailureClass.TIMEOUT);
        m.put("http_408", FailureClass.TIMEOUT);
        m.put("http_504", FailureClass.TIMEOUT);
        m.put("server_error", FailureClass.SERVER_ERROR);
        m.put("internal_error", FailureClass.SERVER_ERROR);
        m.put("missing_result", FailureClass.SERVER_ERROR);
        m.put("http_0", FailureClass.SERVER_ERROR);
        m.put("http_500", FailureClass.SERVER_ERROR);
        m.put("http_502", FailureClass.SERVER_ERROR);
        m.put("http_503", FailureClass.SERVER_ERROR);
        m.put("batch_cancelled", FailureClass.FINAL);
        return m;
    }

    /** This policy with {@code code} mapped to {@code cls}. */
    public ReplayPolicy with(String code, FailureClass cls) {
        var m = new LinkedHashMap<>(table);
        m.put(code.toLowerCase(Locale.ROOT), cls);
        return new ReplayPolicy(m);
    }

    /**
     * This policy with overrides in the form {@code CODE=CLASS}.
     *
     * @throws IllegalArgumentException for a malformed entry or an unknown class, saying which
     */
    public ReplayPolicy with(Iterable<String> overrides) {
        ReplayPolicy p = this;
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--retryable '" + o + "' must be CODE=CLASS, e.g. overloaded=server_error");
            }
            String cls = o.substring(eq + 1).trim().toUpperCase(Locale.ROOT);
            try {
                p = p.with(o.substring(0, eq).trim(), FailureClass.valueOf(cls));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--retryable '" + o + "': class must be rate_limit, timeout, server_error or final");
            }
        }
        return p;
    }

    /** The class of a raw code. */
    public FailureClass classify(String code) {
        return code == null
                ? FailureClass.FINAL
                : table.getOrDefault(code.toLowerCase(Locale.ROOT), FailureClass.FINAL);
    }

    /**
     * The class of a failed line: its code if the table has it, else its error type, else its HTTP
     * status ({@code http_<status>}), else final.
     */
    public FailureClass classify(LineOutcome.Failure f) {
        for (String c : new String[] {f.code(), f.type(), f.statusCode() == null ? null : "http_" + f.statusCode()}) {
            if (c != null && table.containsKey(c.toLowerCase(Locale.ROOT))) {
                return table.get(c.toLowerCase(Locale.ROOT));
            }
        }
        return FailureClass.FINAL;
    }

    /** Whether a raw code is replayed. */
    public boolean retryable(String code) {
        return classify(code).retryable();
    }

    /** The table, for docs and {@code --help}. */
    public Map<String, FailureClass> table() {
        return table;
    }
}
