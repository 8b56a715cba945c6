package dev.keel.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code keel} in a child JVM on the test's own classpath, for the tests that kill it or run several
 * at once: its output appended to {@code log}, started in {@code dir}, with {@code env} over (or, for
 * a null value, removed from) the inherited environment. C1 only and CDS on, so a launch is quick.
 */
final class ChildKeel {

    private ChildKeel() {}

    static Process start(Path dir, Path log, Map<String, String> env, List<String> args) throws IOException {
        var cmd = new ArrayList<String>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "dev.keel.cli.Main"));
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return pb.start();
    }
}
