package dev.keel.cli;

import dev.keel.config.ConfigFiles;
import dev.keel.config.ConfigLayer;
import dev.keel.config.ConfigValue;
import dev.keel.config.KeelConfig;
import dev.keel.config.Origin;
import dev.keel.config.Setting;
import dev.keel.config.Settings;
import dev.keel.core.TrafficClass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --config FILE} option (mixed into every command that has a configured knob) and the
 * command's effective {@link KeelConfig}: flags given on this command line, then the environment,
 * then {@code keel.yaml} ({@code --config}, {@code $KEEL_CONFIG} or {@code ./keel.yaml}), then the
 * defaults. A flag counts only when it was given: picocli's default values never mask the file.
 */
final class ConfigOption {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The keel.yaml to read (default: the file KEEL_CONFIG names, else keel.yaml in the"
                    + " working directory when there is one). Flags > environment > file > defaults;"
                    + " 'keel config show' prints every key and its source.")
    Path file;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private KeelConfig loaded;
    private List<ConfigLayer> layers;
    private Optional<Path> located;

    /**
     * The effective configuration, read once per command.
     *
     * @throws dev.keel.config.ConfigException naming file:line and key of every problem
     */
    KeelConfig load(Map<String, String> env) {
        if (loaded == null) {
            located = ConfigFiles.locate(file, env, workingDir());
            layers = new ArrayList<>();
            layers.add(flags());
            layers.add(ConfigLayer.environment(env));
            located.ifPresent(f -> layers.add(ConfigLayer.yaml(f)));
            loaded = KeelConfig.resolve(layers);
        }
        return loaded;
    }

    /** The working directory of the command this is mixed into ({@code ./keel.yaml} is looked for there). */
    private Path workingDir() {
        return mixee.userObject() instanceof CliCommand c ? c.workingDir : Path.of("");
    }

    /** The file read, if any (after {@link #load}). */
    Optional<Path> file() {
        return located;
    }

    /** The same sources with the file read again: what a reload sees. @throws dev.keel.config.ConfigException */
    KeelConfig reread() {
        var fresh = new ArrayList<>(layers.subList(0, 2));
        located.ifPresent(f -> fresh.add(ConfigLayer.yaml(f)));
        return KeelConfig.resolve(fresh);
    }

    /** The configuration with {@code values} above every source (e.g. the sandbox's own base URL). */
    KeelConfig overridden(Map<String, String> env, Map<Setting<?>, String> values, String why) {
        load(env);
        var top = new ArrayList<ConfigValue>();
        values.forEach((s, v) -> top.add(new ConfigValue(s.key(), v, Origin.property(why))));
        var all = new ArrayList<ConfigLayer>();
        all.add(ConfigLayer.of(why, top));
        all.addAll(layers);
        return KeelConfig.resolve(all);
    }

    /** Which traffic class {@code --in-flight} sets: batch for {@code keel batch ...}, else online. */
    private TrafficClass traffic() {
        for (CommandSpec c = mixee; c != null; c = c.parent()) {
            if (c.name().equals("batch")) {
                return TrafficClass.BATCH;
            }
        }
        return TrafficClass.ONLINE;
    }

    /** The options given on this command line that set a key. */
    private ConfigLayer flags() {
        var values = new ArrayList<ConfigValue>();
        var parsed = mixee.commandLine().getParseResult();
        if (parsed != null) {
            for (OptionSpec o : parsed.matchedOptions()) {
                setting(o.longestName())
                        .ifPresent(s -> values.addAll(values(s, o, parsed.matchedOption(o.longestName()))));
            }
        }
        return ConfigLayer.of("flags", values);
    }

    private Optional<Setting<?>> setting(String flag) {
        Setting<?> found = null;
        for (Setting<?> s : Settings.all()) {
            if (s.flags().contains(flag)) {
                if (s.key().startsWith("serve.") && !mixee.name().equals("serve")) {
                    continue; // keel gateway has a --host and --port of its own
                }
                boolean batchKey = s == Settings.BATCH_IN_FLIGHT;
                boolean onlineKey = s == Settings.ONLINE_IN_FLIGHT;
                if ((batchKey && traffic() != TrafficClass.BATCH) || (onlineKey && traffic() != TrafficClass.ONLINE)) {
                    continue;
                }
                found = s;
            }
        }
        return Optional.ofNullable(found);
    }

    private static List<ConfigValue> values(Setting<?> s, OptionSpec o, OptionSpec matched) {
        Origin origin = Origin.flag(o.longestName());
        if (s.map()) {
            // --app-token TOKEN=USER: the entry is named by the user
            var out = new ArrayList<ConfigValue>();
            Map<?, ?> given = matched.getValue();
            given.forEach((token, user) -> out.add(new ConfigValue(s.key() + "." + user, token, origin)));
            return out;
        }
        if (o.arity().max() == 0) {
            return List.of(new ConfigValue(s.key(), "true", origin));
        }
        List<String> given = matched.stringValues();
        return List.of(new ConfigValue(s.key(), given.get(given.size() - 1), origin));
    }

    /**
     * A folder that was set (flag, environment or file) must exist; only the default may be absent.
     *
     * @throws IllegalArgumentException naming where it was set and the path
     */
    static void requireExisting(KeelConfig cfg, dev.keel.config.Setting<java.nio.file.Path> key) {
        java.nio.file.Path path = cfg.get(key);
        if (!cfg.isDefault(key) && !java.nio.file.Files.exists(path)) {
            var o = cfg.origin(key);
            String where = o.kind() == dev.keel.config.Origin.Kind.FLAG ? o.where() : o + ": " + key.key();
            throw new IllegalArgumentException(where + " " + path + ": no such file or folder (" + path.toAbsolutePath()
                    + "); fix the path or leave it out");
        }
    }
}
