package dev.keel.structured.schema;

/**
 * A registered schema version was edited in place: its content hash no longer matches the one
 * recorded. The message names the file, both hashes and the fix (restore it, add a new version).
 */
public final class SchemaChangedException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    SchemaChangedException(String key, String source, String recorded, String actual, String nextVersion) {
        super(source + ": schema " + key + " changed after it was registered (recorded " + shortHash(recorded)
                + ", now " + shortHash(actual) + "). A registered version is immutable: restore it and add the"
                + " change as a new version (" + nextVersion + ") instead.");
        this.key = key;
    }

    /** {@code name/version} of the changed schema. */
    public String key() {
        return key;
    }

    private static String shortHash(String h) {
        return h.length() > 19 ? h.substring(0, 19) : h;
    }
}
