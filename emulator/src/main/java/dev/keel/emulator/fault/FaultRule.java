package dev.keel.emulator.fault;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of a fault plan: which requests it matches, and either a probability with one effect or
 * a scripted sequence of effects.
 *
 * <p>The route is {@code "METHOD /path"} or just {@code "/path"} (any method); a path ending in
 * {@code *} matches by prefix and {@code *} alone matches everything. A scripted rule hands out its
 * effects in order, one per matching request, and then matches nothing more. Immutable; the
 * script's position is kept by the {@link FaultPlan}.
 *
 * @param method upper-case HTTP method, or null for any
 * @param pathPattern the path, possibly ending in {@code *}
 * @param probability chance in [0, 1] that {@code effect} applies to a matching request (ignored
 *     for scripts)
 * @param effect the effect for a probabilistic rule; null for a script
 * @param script the effects in order for a scripted rule; empty for a probabilistic rule
 * @param schema the structured-output schema name ({@code text.format.name}, or {@code
 *     response_format.json_schema.name} for chat) a request must use to match, or null for any
 *     request: lets one schema version's outputs be worse than another's
 */
public record FaultRule(
        String method,
        String pathPattern,
        double probability,
        FaultEffect effect,
        List<FaultEffect> script,
        String schema) {

    /**
     * @throws IllegalArgumentException when the probability is outside [0, 1], the path does not
     *     start with {@code /} or {@code *}, or the rule has neither or both of effect and script
     */
    public FaultRule {
        Objects.requireNonNull(pathPattern, "pathPattern");
        script = script == null ? List.of() : List.copyOf(script);
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be within 0..1, got " + probability);
        }
        if (!pathPattern.startsWith("/") && !pathPattern.equals("*")) {
            throw new IllegalArgumentException("route path must start with '/', got '" + pathPattern + "'");
        }
        if ((effect == null) == script.isEmpty()) {
            throw new IllegalArgumentException("a fault rule needs exactly one of 'fault' or 'script'");
        }
        method = method == null ? null : method.toUpperCase(Locale.ROOT);
    }

    /** A rule that applies {@code effect} to a share {@code probability} of the requests on {@code route}. */
    public static FaultRule withProbability(String route, double probability, FaultEffect effect) {
        String[] r = splitRoute(route);
        return new FaultRule(r[0], r[1], probability, Objects.requireNonNull(effect, "effect"), List.of(), null);
    }

    /** A rule that applies {@code script}'s effects in order to the next requests on {@code route}. */
    public static FaultRule scripted(String route, List<FaultEffect> script) {
        String[] r = splitRoute(route);
        return new FaultRule(r[0], r[1], 1.0, null, script, null);
    }

    /**
     * Parses the {@code --fault} flag form {@code ROUTE=FAULT[@PROBABILITY]}, e.g. {@code "POST
     * /v1/responses=status:503@0.2"}; the probability defaults to 1.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static FaultRule parseFlag(String flag) {
        int eq = flag.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--fault '" + flag
                    + "' must look like 'POST /v1/responses=status:503@0.2' (ROUTE=FAULT[@PROBABILITY])");
        }
        String route = flag.substring(0, eq).strip();
        String rest = flag.substring(eq + 1).strip();
        double p = 1.0;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            try {
                p = Double.parseDouble(rest.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--fault '" + flag + "': probability '" + rest.substring(at + 1)
                        + "' is not a number within 0..1");
            }
            rest = rest.substring(0, at);
        }
        return withProbability(route, p, FaultSpec.parse(rest));
    }

    /** The same rule, matching only requests whose structured-output schema is named {@code name}. */
    public FaultRule forSchema(String name) {
        return new FaultRule(method, pathPattern, probability, effect, script, Objects.requireNonNull(name, "name"));
    }

    /** Whether this rule's schema condition admits a request using {@code requestSchema} (null: none). */
    public boolean matchesSchema(String requestSchema) {
        return schema == null || schema.equals(requestSchema);
    }

    /** Whether this rule's route covers the request. */
    public boolean matches(String requestMethod, String path) {
        if (method != null && !method.equalsIgnoreCase(requestMethod)) {
            return false;
        }
        if (pathPattern.equals("*")) {
            return true;
        }
        if (pathPattern.endsWith("*")) {
            return path.startsWith(pathPattern.substring(0, pathPattern.length() - 1));
        }
        return path.equals(pathPattern);
    }

    /** The route in the form it was given. */
    public String route() {
        return method == null ? pathPattern : method + " " + pathPattern;
    }

    private static String[] splitRoute(String route) {
        String r = route.strip();
        int sp = r.indexOf(' ');
        return sp < 0
                ? new String[] {null, r}
                : new String[] {r.substring(0, sp), r.substring(sp + 1).strip()};
    }
}
