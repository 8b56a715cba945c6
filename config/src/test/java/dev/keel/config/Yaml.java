package dev.keel.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test helpers: a real keel.yaml on disk, resolved the way the CLI layers it. */
final class Yaml {

    private Yaml() {}

    static Path write(Path dir, String text) {
        try {
            Path f = dir.resolve("keel.yaml");
            Files.writeString(f, text);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flags (none), the environment, the file. */
    static KeelConfig resolve(Path file, Map<String, String> env) {
        return KeelConfig.resolve(List.of(ConfigLayer.environment(env), ConfigLayer.yaml(file)));
    }

    static KeelConfig resolve(Path dir, String text) {
        return resolve(write(dir, text), Map.of());
    }

    static ConfigLayer flags(String... keyFlagValue) {
        var values = new java.util.ArrayList<ConfigValue>();
        for (int i = 0; i < keyFlagValue.length; i += 3) {
            values.add(new ConfigValue(keyFlagValue[i], keyFlagValue[i + 2], Origin.flag(keyFlagValue[i + 1])));
        }
        return ConfigLayer.of("flags", values);
    }
}
