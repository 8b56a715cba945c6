package dev.keel.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of DESIGN.md section 1: {@code cli → {gateway, batch, structured, realtime,
 * emulator} → core → wire}, {@code openai-java → core} and {@code stores (jdbc, redis) → core},
 * with a lean core (no JDBC, Flyway, database driver or Redis client); the emulator stands on
 * keel-wire alone, never on core; wire depends on no other keel module; no library module imports
 * the emulator; no module uses another module's {@code internal} package; core's endpoint views never
 * call back into {@code KeelClient}. Checked on the production classes of every module the CLI puts on its classpath.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // test-jars are test code too (keel-core's fixtures, and core's tests, which use the emulator as their
                // stand-in)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.keel");
    }

    @Test
    void core_dependsOnNoOtherKeelModule() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.emulator..",
                        "dev.keel.cli..",
                        "dev.keel.bench..",
                        "dev.keel.openai..",
                        "dev.keel.store..",
                        "dev.keel.config..",
                        "dev.keel.springboot..",
                        "org.springframework..",
                        "dev.keel.gateway..")
                .check(classes);
    }

    @Test
    void config_standsOnTheLibraries_neverTheCliEmulatorOrBench() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.cli..", "dev.keel.emulator..", "dev.keel.bench..", "dev.keel.openai..")
                .check(classes);
        org.assertj.core.api.Assertions.assertThat(classes.contain("dev.keel.config.KeelConfig"))
                .as("the config module's classes are imported, so the rule above checks something")
                .isTrue();
    }

    @Test
    void libraryModules_neverImportTheConfigModel() {
        // the model builds the libraries' own records; the libraries never know it exists
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.keel.batch..", "dev.keel.structured..", "dev.keel.realtime..", "dev.keel.openai..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.keel.config..")
                .check(classes);
    }

    @Test
    void springBootStarter_neverImportsTheCliEmulatorOrBench_andNoLibraryImportsSpring() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.springboot..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.cli..", "dev.keel.emulator..", "dev.keel.bench..")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.keel.core..",
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.config..",
                        "dev.keel.store..",
                        "dev.keel.openai..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.springboot..", "org.springframework..")
                .check(classes);
        org.assertj.core.api.Assertions.assertThat(classes.contain("dev.keel.springboot.KeelAutoConfiguration"))
                .as("the starter's classes are imported, so the rules above check something")
                .isTrue();
    }

    @Test
    void gateway_dependsOnCoreAlone_neverTheEmulatorOrTheCli() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.gateway..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.emulator..",
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.openai..",
                        "dev.keel.store..",
                        "dev.keel.cli..",
                        "dev.keel.bench..")
                .check(classes);
    }

    @Test
    void gateway_isOnTheCheckedClasspath() {
        org.assertj.core.api.Assertions.assertThat(classes.contain("dev.keel.gateway.Gateway"))
                .as("the gateway module's classes are imported, so the rule above checks something")
                .isTrue();
    }

    @Test
    void core_isLean_noJdbcNoRedisNoDatabaseDriver() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.sql..",
                        "javax.sql..",
                        "org.flywaydb..",
                        "org.sqlite..",
                        "org.postgresql..",
                        "io.lettuce..",
                        "io.netty..",
                        "reactor..")
                .because("keel-core is lean (DESIGN.md section 1): the JDBC and Redis stores are keel-store-jdbc"
                        + " and keel-store-redis, pulled in only by those who use them")
                .check(classes);
    }

    @Test
    void stores_dependOnCoreAlone() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.openai..",
                        "dev.keel.emulator..",
                        "dev.keel.cli..",
                        "dev.keel.bench..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.keel.store.jdbc..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.store.redis..", "io.lettuce..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.keel.store.redis..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.store.jdbc..", "java.sql..", "org.flywaydb..")
                .check(classes);
    }

    @Test
    void stores_areOnTheCheckedClasspath() {
        org.assertj.core.api.Assertions.assertThat(classes.contain("dev.keel.store.jdbc.JdbcIdempotencyStore")
                        && classes.contain("dev.keel.store.redis.RedisIdempotencyStore"))
                .as("the store modules' classes are imported, so the rules above check something")
                .isTrue();
    }

    @Test
    void openaiJava_dependsOnCoreAlone_neverTheEmulator() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.openai..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.emulator..",
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.cli..",
                        "dev.keel.bench..")
                .check(classes);
    }

    @Test
    void openaiJava_isOnTheCheckedClasspath() {
        org.assertj.core.api.Assertions.assertThat(classes.contain("dev.keel.openai.KeelHttpClient"))
                .as("the openai-java module's classes are imported, so the rule above checks something")
                .isTrue();
    }

    @Test
    void libraryModules_neverImportTheEmulatorOrTheCli() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.openai..",
                        "dev.keel.gateway..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.emulator..", "dev.keel.cli..", "dev.keel.bench..")
                .check(classes);
    }

    @Test
    void libraryModules_doNotDependOnEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.batch..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.structured..", "dev.keel.realtime..", "dev.keel.gateway..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.keel.structured..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.batch..", "dev.keel.realtime..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.keel.realtime..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.keel.batch..", "dev.keel.structured..")
                .check(classes);
    }

    @Test
    void emulator_dependsOnWireAlone_neverOnCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.emulator..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.keel.core..")
                .check(classes);
    }

    @Test
    void wire_dependsOnNoOtherKeelModule() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.wire..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.core..",
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.emulator..",
                        "dev.keel.cli..",
                        "dev.keel.bench..",
                        "dev.keel.openai..",
                        "dev.keel.gateway..")
                .check(classes);
    }

    @Test
    void wireAndEmulator_areOnTheCheckedClasspath() {
        org.assertj.core.api.Assertions.assertThat(
                        classes.contain("dev.keel.wire.json.Json") && classes.contain("dev.keel.emulator.Emulator"))
                .as("wire's and the emulator's classes are imported, so the rules above check something")
                .isTrue();
    }

    @Test
    void emulator_dependsOnNoLibraryModule() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.emulator..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.gateway..",
                        "dev.keel.cli..")
                .check(classes);
    }

    /**
     * SQL is spoken in one place per module: the batch ledger's package, keel-store-jdbc's store
     * package, and the gateway's shared spend counters ({@code dev.keel.gateway.jdbc}) — each named here.
     * Everything else reads and moves runs, chunks and items through the
     * ledger's typed methods.
     */
    @Test
    void sql_onlyInTheLedgerPackageAndTheJdbcStore() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.keel.batch.ledger", "dev.keel.store.jdbc..", "dev.keel.gateway.jdbc..")
                // core's test fixtures (on this classpath as its test-jar) create and drop PostgreSQL schemas
                .and()
                .resideOutsideOfPackage("dev.keel.core.testing..")
                .and()
                // the Boot starter hands the application's DataSource to keel-store-jdbc; it runs no SQL
                .doNotHaveFullyQualifiedName("dev.keel.springboot.KeelAutoConfiguration")
                .and()
                .doNotHaveFullyQualifiedName("dev.keel.springboot.Stores")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "javax.sql..")
                .because(
                        "SQL lives in dev.keel.batch.ledger (and keel-store-jdbc's dev.keel.store.jdbc, and the gateway's"
                                + " spend counters in dev.keel.gateway.jdbc)")
                .check(classes);
    }

    @Test
    void sqlRule_seesTheLedgerUsingJdbc() {
        org.assertj.core.api.Assertions.assertThat(
                        classes.get("dev.keel.batch.ledger.Ledger").getDirectDependenciesFromSelf().stream()
                                .anyMatch(
                                        d -> d.getTargetClass().getPackageName().equals("java.sql")))
                .as("the imported classes include the ledger's JDBC use, so the rule above checks something")
                .isTrue();
    }
    /** Issue 21: the library modules trace through the OpenTelemetry API alone; the SDK is the application's (the CLI's). */
    @Test
    void libraryModules_useTheOpenTelemetryApiOnly_neverItsSdk() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.keel.wire..",
                        "dev.keel.core..",
                        "dev.keel.batch..",
                        "dev.keel.structured..",
                        "dev.keel.realtime..",
                        "dev.keel.gateway..",
                        "dev.keel.openai..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.opentelemetry.sdk..", "io.opentelemetry.exporter..")
                .check(classes);
    }

    @Test
    void noModule_usesAnotherModulesInternalPackage() {
        classes()
                .should(new ArchCondition<JavaClass>("use no other keel module's internal package") {
                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        String from = module(origin.getPackageName());
                        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                            String target = d.getTargetClass().getPackageName();
                            if (isInternal(target) && !module(target).equals(from)) {
                                events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                            }
                        }
                    }
                })
                .check(classes);
    }

    /** {@code core} for {@code dev.keel.core.http}: the module a keel package belongs to. */
    private static String module(String pkg) {
        String[] parts = pkg.split("\\.");
        return parts.length > 2 && parts[0].equals("dev") && parts[1].equals("keel") ? parts[2] : pkg;
    }

    private static boolean isInternal(String pkg) {
        return pkg.startsWith("dev.keel.") && (pkg.endsWith(".internal") || pkg.contains(".internal."));
    }

    @Test
    void coreInternals_areOnTheCheckedClasspath() {
        org.assertj.core.api.Assertions.assertThat(classes.contain("dev.keel.core.internal.pipeline.Pipeline"))
                .as("core's internal classes are imported, so the rule above checks something")
                .isTrue();
    }

    @Test
    void endpointViews_neverCallBackIntoKeelClient() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.core.api..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.keel.core.KeelClient")
                .check(classes);
    }
}
