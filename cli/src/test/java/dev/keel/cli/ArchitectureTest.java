package dev.keel.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of DESIGN.md section 1: {@code cli → {batch, structured, realtime,
 * emulator} → core} and {@code openai-java → core}; the emulator uses only core's JSON helpers and cost/tokenizer, never its
 * client; no library module imports the emulator. Checked on the production classes of every module
 * the CLI puts on its classpath.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
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
                        "dev.keel.openai..")
                .check(classes);
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
                        "dev.keel.batch..", "dev.keel.structured..", "dev.keel.realtime..", "dev.keel.openai..")
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
                .resideInAnyPackage("dev.keel.structured..", "dev.keel.realtime..")
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
    void emulator_usesOnlyCoreJsonIoAndCost_neverTheClient() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.emulator..")
                .should()
                .dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "core classes outside dev.keel.core.json, dev.keel.core.io and dev.keel.core.cost",
                        c -> c.getPackageName().startsWith("dev.keel.core")
                                && !c.getPackageName().startsWith("dev.keel.core.json")
                                && !c.getPackageName().startsWith("dev.keel.core.io")
                                && !c.getPackageName().startsWith("dev.keel.core.cost")))
                .check(classes);
    }

    @Test
    void emulator_dependsOnNoOtherModuleButCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.keel.emulator..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.keel.batch..", "dev.keel.structured..", "dev.keel.realtime..", "dev.keel.cli..")
                .check(classes);
    }

    /**
     * SQL is spoken in one place per module: the batch ledger's package, and core's one JDBC store
     * (named here). Everything else reads and moves runs, chunks and items through the ledger's
     * typed methods (docs/decisions.md D-batch-shape-1).
     */
    @Test
    void sql_onlyInTheLedgerPackageAndCoresJdbcStore() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.keel.batch.ledger")
                .and()
                .doNotHaveFullyQualifiedName("dev.keel.core.idempotency.JdbcIdempotencyStore")
                // core's test fixtures (on this classpath as its test-jar) create and drop PostgreSQL schemas
                .and()
                .resideOutsideOfPackage("dev.keel.core.testing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "javax.sql..")
                .because("SQL lives in dev.keel.batch.ledger (and core's JdbcIdempotencyStore)")
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
}
