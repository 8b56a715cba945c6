package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.config.KeelConfig;
import dev.keel.wire.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The effective configuration with the source of every value, secrets as fingerprints: the text of
 * {@code keel config show}, and the JSON of {@code keel config show --format json} and of {@code
 * keel serve}'s {@code /debug/config} ({@code config}). Stateless.
 */
final class ConfigView {

    private ConfigView() {}

    /** {@code {file, settings: [{key, value, source, live}]}}. */
    static ObjectNode json(KeelConfig cfg, Optional<Path> file) {
        ObjectNode out = Json.object();
        out.put("file", file.map(Path::toString).orElse(null));
        var list = out.putArray("settings");
        for (KeelConfig.Entry e : cfg.entries()) {
            list.addObject()
                    .put("key", e.key())
                    .put("value", e.value())
                    .put("source", e.origin().toString())
                    .put("live", e.live());
        }
        return out;
    }

    /** One line per key: key, value, source; live keys marked with {@code *}. */
    static void text(PrintWriter out, KeelConfig cfg, Optional<Path> file) {
        out.println("keel configuration (" + file.map(f -> "file " + f).orElse("no keel.yaml") + ";"
                + " flags > environment > file > defaults; * = applied live by keel serve)");
        int width = cfg.entries().stream().mapToInt(e -> e.key().length()).max().orElse(10) + 2;
        int valueWidth = Math.min(
                40,
                cfg.entries().stream().mapToInt(e -> e.value().length()).max().orElse(10) + 2);
        for (KeelConfig.Entry e : cfg.entries()) {
            out.println(pad((e.live() ? "* " : "  ") + e.key(), width + 2) + pad(e.value(), valueWidth) + e.origin());
        }
        out.flush();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
