package dev.keel.config;

import java.util.List;

/**
 * A configuration that is refused: every problem found, each naming where, which key and what is
 * allowed. The message is the problems, one a line. Thrown at start-up and by a refused reload.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /** @throws IllegalArgumentException when {@code problems} is empty */
    public ConfigException(List<ConfigProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        var lines = problems.stream().map(ConfigProblem::toString).toList();
        return String.join("\n", lines);
    }

    /** The problems, in the order they were found (sources first, then rules between keys). */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
