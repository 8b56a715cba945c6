package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned schemas a service uses: files {@code <dir>/<name>/<version>.json} and schemas
 * registered in code. A registered version is immutable: its canonical content hash ({@link
 * CanonicalJson#sha256}, so key order and whitespace do not count) is recorded, in {@code
 * <dir>/schemas.lock} for files, and registering different content under the same name and version
 * is refused with a {@link SchemaChangedException} that says to add a new version.
 *
 * <p>A schema must pass {@link SchemaLint} without errors (the API would refuse it in strict mode),
 * and its {@code schema_version} property, when fixed, must name its own version. Versions are
 * ordered by their number ({@code v2 < v10}). Thread-safe.
 */
public final class SchemaRegistry {

    /** The lock file's name inside the schemas folder. */
    public static final String LOCK_FILE = "schemas.lock";

    private static final Pattern VERSION_NUMBER = Pattern.compile("(\\d+)");
    private static final Comparator<String> VERSION_ORDER =
            Comparator.comparingLong(SchemaRegistry::versionNumber).thenComparing(Comparator.naturalOrder());

    private final Map<String, Map<String, RegisteredSchema>> schemas = new ConcurrentHashMap<>();

    /** An empty registry for in-code registration. */
    public SchemaRegistry() {}

    /**
     * Loads every {@code <name>/<version>.json} under {@code dir}, checks each against {@code
     * dir/schemas.lock}, and records versions not yet in it (the lock file is created or extended).
     *
     * @throws SchemaChangedException when a recorded version's content changed
     * @throws IllegalArgumentException when a file is not JSON, fails the lint, or names another
     *     version; the message names the file
     * @throws UncheckedIOException when the folder or lock file cannot be read or written
     */
    public static SchemaRegistry load(Path dir) {
        return load(dir, true);
    }

    /**
     * As {@link #load(Path)}; with {@code record} false the lock file is only read, and a version
     * missing from it is refused (for CI, where every version must have been recorded).
     */
    public static SchemaRegistry load(Path dir, boolean record) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    dir + ": no such schemas folder; expected <name>/<version>.json files in it");
        }
        var registry = new SchemaRegistry();
        Path lockFile = dir.resolve(LOCK_FILE);
        Map<String, String> lock = readLock(lockFile);
        boolean changed = false;
        for (Path file : schemaFiles(dir)) {
            String name = file.getParent().getFileName().toString();
            String version = file.getFileName().toString().replaceFirst("\\.json$", "");
            JsonNode schema = parse(file);
            String hash = CanonicalJson.sha256(schema);
            String key = name + "/" + version;
            String recorded = lock.get(key);
            if (recorded != null && !recorded.equals(hash)) {
                throw new SchemaChangedException(
                        key, file.toString(), recorded, hash, registry.nextVersionHint(name, dir));
            }
            if (recorded == null && !record) {
                throw new IllegalArgumentException(file + ": " + key + " is not recorded in " + lockFile
                        + "; load the registry once with recording on (SchemaRegistry.load(dir)) and commit "
                        + LOCK_FILE);
            }
            registry.add(new RegisteredSchema(name, version, schema, hash, file.toString()));
            if (recorded == null) {
                lock.put(key, hash);
                changed = true;
            }
        }
        if (changed) {
            writeLock(lockFile, lock);
        }
        return registry;
    }

    /**
     * Registers a schema in code.
     *
     * @return the registered version
     * @throws SchemaChangedException when this name and version hold different content
     * @throws IllegalArgumentException when the schema fails the lint or names another version
     */
    public RegisteredSchema register(String name, String version, JsonNode schema) {
        return add(new RegisteredSchema(name, version, schema.deepCopy(), CanonicalJson.sha256(schema), "code"));
    }

    private synchronized RegisteredSchema add(RegisteredSchema s) {
        var versions = schemas.computeIfAbsent(s.name(), n -> new ConcurrentHashMap<>());
        RegisteredSchema existing = versions.get(s.version());
        if (existing != null) {
            if (existing.hash().equals(s.hash())) {
                return existing;
            }
            throw new SchemaChangedException(s.key(), s.source(), existing.hash(), s.hash(), nextVersion(s.name()));
        }
        check(s);
        versions.put(s.version(), s);
        return s;
    }

    private static void check(RegisteredSchema s) {
        var errors = SchemaLint.lint(s.schema()).stream()
                .filter(f -> f.severity() == LintRule.Severity.ERROR)
                .toList();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(s.source() + ": schema " + s.key() + " is not valid for strict mode: "
                    + String.join(
                            "; ", errors.stream().map(LintFinding::toString).toList()));
        }
        JsonNode fixed = s.schema().path("properties").path("schema_version").path("enum");
        if (fixed.size() == 1 && !fixed.get(0).asText().equals(s.version())) {
            throw new IllegalArgumentException(s.source() + ": schema " + s.key() + " fixes schema_version to \""
                    + fixed.get(0).asText() + "\" at /properties/schema_version/enum; it must be \"" + s.version()
                    + "\"");
        }
    }

    /** The named version, if registered. */
    public Optional<RegisteredSchema> find(String name, String version) {
        return Optional.ofNullable(schemas.getOrDefault(name, Map.of()).get(version));
    }

    /**
     * The named version.
     *
     * @throws IllegalArgumentException when it is not registered, listing the versions that are
     */
    public RegisteredSchema get(String name, String version) {
        return find(name, version)
                .orElseThrow(() -> new IllegalArgumentException("schema " + name + "/" + version
                        + " is not registered; registered versions of " + name + ": " + versions(name)));
    }

    /** The versions of {@code name}, oldest first. */
    public List<String> versions(String name) {
        return schemas.getOrDefault(name, Map.of()).keySet().stream()
                .sorted(VERSION_ORDER)
                .toList();
    }

    /** The names registered, sorted. */
    public List<String> names() {
        return schemas.keySet().stream().sorted().toList();
    }

    /** The newest version of {@code name}. @throws IllegalArgumentException when none is registered */
    public RegisteredSchema latest(String name) {
        List<String> v = versions(name);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("no schema named " + name + " is registered; registered: " + names());
        }
        return get(name, v.get(v.size() - 1));
    }

    /** The version registered just before {@code version}, if any. */
    public Optional<String> previous(String name, String version) {
        List<String> v = versions(name);
        int i = v.indexOf(version);
        return i > 0 ? Optional.of(v.get(i - 1)) : Optional.empty();
    }

    /** Orders version strings by their number, then by text: {@code v2 < v10}. */
    public static Comparator<String> versionOrder() {
        return VERSION_ORDER;
    }

    private String nextVersion(String name) {
        List<String> v = versions(name);
        long n = v.isEmpty() ? 1 : versionNumber(v.get(v.size() - 1)) + 1;
        return name + "/v" + n;
    }

    private String nextVersionHint(String name, Path dir) {
        try (Stream<Path> files = Files.list(dir.resolve(name))) {
            long max = files.map(p -> p.getFileName().toString().replaceFirst("\\.json$", ""))
                    .mapToLong(SchemaRegistry::versionNumber)
                    .max()
                    .orElse(0);
            return dir.resolve(name).resolve("v" + (max + 1) + ".json").toString();
        } catch (IOException e) {
            return nextVersion(name);
        }
    }

    private static long versionNumber(String version) {
        Matcher m = VERSION_NUMBER.matcher(version);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static List<Path> schemaFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            return walk.filter(p -> p.getNameCount() == dir.getNameCount() + 2)
                    .filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list schemas: " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(Path file) {
        try {
            return Json.parse(dev.keel.wire.io.TextFiles.read(file, "JSON schema file"));
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException(file + ":" + e.getMessage(), e);
        }
    }

    private static Map<String, String> readLock(Path lockFile) {
        Map<String, String> lock = new TreeMap<>();
        if (!Files.exists(lockFile)) {
            return lock;
        }
        {
            List<String> lines = dev.keel.wire.io.TextFiles.read(lockFile, "schema lock file")
                    .lines()
                    .toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                if (parts.length != 2 || !parts[1].startsWith("sha256:")) {
                    throw new IllegalArgumentException(
                            lockFile + ":" + (i + 1) + ": expected 'name/version sha256:HEX'," + " got '" + line + "'");
                }
                lock.put(parts[0], parts[1]);
            }
            return lock;
        }
    }

    private static void writeLock(Path lockFile, Map<String, String> lock) {
        var lines = new ArrayList<String>();
        lines.add("# keel schema lock: the content hash of every registered schema version. Commit this file.");
        lines.add("# A changed hash means a version was edited in place: restore it and add a new version instead.");
        lock.forEach((k, v) -> lines.add(k + " " + v));
        try {
            Files.write(lockFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(lockFile + ": cannot write: " + e.getMessage(), e);
        }
    }
}
