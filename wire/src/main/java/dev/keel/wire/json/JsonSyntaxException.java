package dev.keel.wire.json;

/**
 * Thrown when text that should be JSON is not; carries the 1-based line and column of the problem
 * (0 when unknown). Immutable.
 */
public final class JsonSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    public JsonSyntaxException(String problem, int line, int column) {
        super("invalid JSON at line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the problem, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column of the problem, 0 when unknown. */
    public int column() {
        return column;
    }
}
