package dev.keel.config;

import java.util.Objects;

/**
 * Where one configuration value came from: a built-in default, a file line, an environment
 * variable, a command-line flag, or a property of another binder (a Spring Boot property source).
 * Immutable.
 *
 * @param kind which kind of source
 * @param where the source itself: {@code keel.yaml:14}, {@code OPENAI_API_KEY}, {@code --in-flight},
 *     {@code application.yml:3}; empty for a default
 */
public record Origin(Kind kind, String where) {

    /** The kinds of source, lowest precedence first as keel's own binder layers them. */
    public enum Kind {
        DEFAULT,
        FILE,
        PROPERTY,
        ENV,
        FLAG
    }

    /** The built-in default. */
    public static final Origin DEFAULT = new Origin(Kind.DEFAULT, "");

    public Origin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(where, "where");
    }

    /** Line {@code line} of {@code file} (0 or less when the line is not known). */
    public static Origin file(String file, int line) {
        return new Origin(Kind.FILE, line > 0 ? file + ":" + line : file);
    }

    public static Origin env(String variable) {
        return new Origin(Kind.ENV, variable);
    }

    public static Origin flag(String option) {
        return new Origin(Kind.FLAG, option);
    }

    /** A value another binder read, described as it describes its source (e.g. {@code application.yml:3}). */
    public static Origin property(String description) {
        return new Origin(Kind.PROPERTY, description);
    }

    /** {@code default}, {@code keel.yaml:14}, {@code env OPENAI_API_KEY}, {@code flag --in-flight}, or the property's description. */
    @Override
    public String toString() {
        return switch (kind) {
            case DEFAULT -> "default";
            case FILE, PROPERTY -> where;
            case ENV -> "env " + where;
            case FLAG -> "flag " + where;
        };
    }
}
