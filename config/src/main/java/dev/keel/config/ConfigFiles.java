package dev.keel.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code keel.yaml} is: {@code --config FILE}, else {@code $KEEL_CONFIG}, else {@code
 * ./keel.yaml} when it exists. A file named by the flag or the variable must exist. Stateless.
 */
public final class ConfigFiles {

    /** The variable that names the configuration file. */
    public static final String ENV = "KEEL_CONFIG";

    private ConfigFiles() {}

    /**
     * The file to read, or empty for none.
     *
     * @param flag {@code --config}, or null when not given
     * @param cwd the working directory {@code ./keel.yaml} is looked for in ({@code Path.of("")} keeps
     *     messages short: {@code keel.yaml:14})
     * @throws ConfigException when the named file does not exist
     */
    public static Optional<Path> locate(Path flag, Map<String, String> env, Path cwd) {
        if (flag != null) {
            return Optional.of(existing(flag, Origin.flag("--config")));
        }
        String named = env.get(ENV);
        if (named != null && !named.isBlank()) {
            return Optional.of(existing(Path.of(named.strip()), Origin.env(ENV)));
        }
        Path local = cwd.resolve("keel.yaml");
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }

    private static Path existing(Path file, Origin origin) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(java.util.List.of(new ConfigProblem(
                    origin,
                    "",
                    file + ": no such file (" + file.toAbsolutePath() + "); fix the path, or leave it out to read"
                            + " ./keel.yaml when there is one")));
        }
        return file;
    }

    /**
     * Binds flags, the environment, the file (when there is one) and the defaults, in that order.
     *
     * @throws ConfigException as {@link KeelConfig#resolve} and {@link #locate}
     */
    public static KeelConfig load(ConfigLayer flags, Map<String, String> env, Optional<Path> file) {
        var layers = new java.util.ArrayList<ConfigLayer>();
        layers.add(flags);
        layers.add(ConfigLayer.environment(env));
        file.ifPresent(f -> layers.add(ConfigLayer.yaml(f)));
        return KeelConfig.resolve(layers);
    }
}
