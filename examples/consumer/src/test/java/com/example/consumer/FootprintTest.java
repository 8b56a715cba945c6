package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What depending on keel-core alone ships: the runtime classpath Maven resolved for this project
 * (written by the dependency plugin), with no database driver, Flyway or Redis client, and keel-core
 * a well-named automatic module.
 */
class FootprintTest {

    private static List<Path> runtimeJars() throws IOException {
        String file = System.getProperty("runtime.classpath.file");
        String cp = Files.readString(Path.of(file)).trim();
        return Arrays.stream(cp.split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }

    @Test
    void coreOnly_pullsNoDatabaseDriverFlywayOrRedisClient() throws IOException {
        List<Path> jars = runtimeJars();
        long bytes = 0;
        for (Path j : jars) {
            bytes += Files.size(j);
        }
        System.out.printf(
                Locale.ROOT,
                "keel-core runtime footprint: %d jars, %.1f MB (keel-core included)%n",
                jars.size(),
                bytes / 1e6);
        for (Path j : jars) {
            String name = j.getFileName().toString();
            for (String banned : List.of("sqlite-jdbc", "postgresql", "flyway", "lettuce", "netty", "reactor-core")) {
                assertTrue(!name.startsWith(banned), "keel-core must not pull " + name + " (" + j + ")");
            }
        }
        // 41 jars, 13.6 MB measured 2026-12-02 (was 59 jars, 35.1 MB before the stores left core)
        assertTrue(jars.size() <= 45, "keel-core pulls " + jars.size() + " jars: " + jars);
    }

    @Test
    void oneJettyRelease_forKeelsClientAndTheEmulatorsServer() {
        var versions = new java.util.TreeMap<String, String>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            var m = java.util.regex.Pattern.compile("(jetty-[a-z0-9-]+?)-(12\\.[0-9.]+)\\.jar").matcher(name);
            if (m.matches()) {
                versions.put(m.group(1), m.group(2));
            }
        }
        assertTrue(versions.containsKey("jetty-client") && versions.containsKey("jetty-server"), versions.toString());
        assertEquals(1, new java.util.TreeSet<>(versions.values()).size(), "mixed Jetty releases: " + versions);
    }

    private static Path keelCoreJar() throws IOException {
        return runtimeJars().stream()
                .filter(j -> j.getFileName().toString().startsWith("keel-core"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("keel-core is not on the runtime classpath"));
    }

    @Test
    void keelCore_isTheAutomaticModuleDevKeelCore() throws IOException {
        Path core = keelCoreJar();
        assertTrue(core.toString().endsWith(".jar"), "keel-core resolved to a jar: " + core);
        try (var jar = new JarFile(core.toFile())) {
            assertEquals("dev.keel.core", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
        }
        var module = ModuleFinder.of(core).find("dev.keel.core").orElseThrow();
        assertTrue(module.descriptor().isAutomatic());
        assertTrue(module.descriptor().packages().stream().allMatch(p -> p.startsWith("dev.keel.core")),
                "every package of keel-core is under dev.keel.core: " + module.descriptor().packages());
    }
}
