package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's JDK search ({@code bin/lib/common.sh}), run by bash against fake JDKs that report
 * a version: it takes {@code JAVA_HOME} or the JVM folder's newest JDK ≥ 21, and says clearly when
 * there is none.
 */
class LauncherTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path tmp;

    private Path fakeJdk(String name, int version) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("jvm").resolve(name).resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho '    java.specification.version = " + version + "' >&2\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin.getParent();
    }

    /** A PATH folder with only the tools the script uses, so no system java can be found by accident. */
    private Path toolsWithoutJava() throws IOException {
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("awk", "cut", "sort", "dirname", "readlink")) {
            Path link = tools.resolve(tool);
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of("/usr/bin", tool).toRealPath());
            }
        }
        return tools;
    }

    private record Result(int exit, String out, String err) {}

    private Result findJdk(Map<String, String> env) throws Exception {
        var pb = new ProcessBuilder("bash", "-c", ". bin/lib/common.sh && find_jdk").directory(ROOT.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment()
                .put(
                        "PATH",
                        "/usr/local/bin:/usr/bin:/bin"
                                .replace("/usr/bin", tmp.resolve("nojava").toString() + ":/usr/bin"));
        pb.environment().put("KEEL_JVM_DIR", tmp.resolve("jvm").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void findJdk_jvmFolder_picksTheNewestQualifyingJdk() throws Exception {
        fakeJdk("jdk-17", 17);
        fakeJdk("jdk-21", 21);
        Path jdk25 = fakeJdk("jdk-25", 25);
        var r = findJdk(Map.of("JAVA_HOME", fakeJdk("old", 11).toString()));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(jdk25.toString());
    }

    @Test
    void findJdk_javaHomeQualifies_winsOverTheJvmFolder() throws Exception {
        fakeJdk("jdk-25", 25);
        Path home = fakeJdk("my-21", 21);
        assertThat(findJdk(Map.of("JAVA_HOME", home.toString())).out()).isEqualTo(home.toString());
    }

    @Test
    void findJdk_noneAtLeast21_failsWithAClearMessage() throws Exception {
        fakeJdk("jdk-17", 17);
        var r = findJdk(Map.of());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no JDK 21 or newer found", "set JAVA_HOME");
    }
}
