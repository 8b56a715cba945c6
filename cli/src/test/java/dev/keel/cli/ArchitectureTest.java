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
                        "dev.keel.openai..",
                        "dev.keel.config..")
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
}
