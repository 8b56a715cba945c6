package dev.keel.springboot;

import static dev.keel.springboot.TestSchemas.rootMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.structured.StructuredClient;
import dev.keel.structured.decode.StructuredDecoder;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.rollout.RolloutConfig;
import dev.keel.structured.schema.SchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The structured beans: registry, rollout, decoder and client from {@code keel.structured-output.*}. */
class KeelStructuredAutoConfigurationTest {

    @TempDir
    Path tmp;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(KeelAutoConfiguration.class, KeelStructuredAutoConfiguration.class))
            .withPropertyValues("keel.upstream.api-key=sk-test-123456", "keel.upstream.base-url=http://127.0.0.1:9/v1");

    private ApplicationContextRunner withSchemas() {
        return runner.withPropertyValues("keel.structured-output.schemas=" + TestSchemas.copyTo(tmp));
    }

    @Test
    void fromProperties_theRolloutHasTheCanaryVersionsAndAutoRollback_andTheClientIsBuilt() {
        withSchemas()
                .withPropertyValues(
                        "keel.structured-output.schema-version=v2",
                        "keel.structured-output.baseline-version=v1",
                        "keel.structured-output.canary-percent=30",
                        "keel.structured-output.compat-fallback=0",
                        "keel.structured-output.auto-rollback.margin=0.2",
                        "keel.structured-output.auto-rollback.min-samples=40",
                        "keel.structured-output.auto-rollback.window=80")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context)
                            .hasSingleBean(SchemaRegistry.class)
                            .hasSingleBean(Rollout.class)
                            .hasSingleBean(StructuredDecoder.class)
                            .hasSingleBean(StructuredClient.class);
                    assertThat(context.getBean(SchemaRegistry.class).versions("ticket"))
                            .containsExactly("v1", "v2");
                    Rollout rollout = context.getBean(Rollout.class);
                    assertThat(rollout.schema()).isEqualTo("ticket");
                    RolloutConfig c = rollout.effective();
                    assertThat(c.schemaVersion()).isEqualTo("v2");
                    assertThat(c.baselineVersion()).isEqualTo("v1");
                    assertThat(c.canaryPercent()).isEqualTo(30);
                    assertThat(c.compatFallback().token()).isEqualTo("0");
                    assertThat(c.autoRollback().enabled()).isTrue();
                    assertThat(c.autoRollback().margin()).isEqualTo(0.2);
                    assertThat(c.autoRollback().minSamples()).isEqualTo(40);
                    assertThat(c.autoRollback().window()).isEqualTo(80);
                    // the folder's lock file is recorded, as keel schema does
                    assertThat(tmp.resolve(SchemaRegistry.LOCK_FILE)).exists();
                });
    }

    @Test
    void noSchemasFolder_noStructuredBeans_andSwitchedOff_noneEither() {
        assertThat(Path.of("schemas")).doesNotExist(); // the default folder, relative to the module
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(SchemaRegistry.class)
                .doesNotHaveBean(StructuredClient.class));
        withSchemas()
                .withPropertyValues("keel.spring.structured.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Rollout.class));
    }

    @Test
    void withoutKeelStructured_onTheClasspath_noStructuredBeans() {
        withSchemas()
                .withClassLoader(new FilteredClassLoader(StructuredClient.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SchemaRegistry.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDecoderAndRollout {
        @Bean
        StructuredDecoder<JsonNode> myDecoder(SchemaRegistry registry) {
            return StructuredDecoder.forJson(registry, "ticket");
        }

        @Bean
        Rollout myRollout(SchemaRegistry registry) {
            return Rollout.fixed(
                    "ticket",
                    registry,
                    RolloutConfig.ofDefaults().withSchemaVersion("v1"),
                    new SimpleMeterRegistry(),
                    dev.keel.structured.rollout.RolloutListener.NONE);
        }
    }

    @Test
    void theApplicationsDecoderAndRollout_win_andTheClientIsBuiltOnThem() {
        withSchemas().withUserConfiguration(OwnDecoderAndRollout.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(StructuredClient.class);
            assertThat(context.getBeanNamesForType(StructuredDecoder.class)).containsExactly("myDecoder");
            assertThat(context.getBeanNamesForType(Rollout.class)).containsExactly("myRollout");
            assertThat(context.getBean(Rollout.class).effective().schemaVersion())
                    .isEqualTo("v1");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        @Bean
        StructuredClient<JsonNode> myTickets(dev.keel.core.KeelClient keel, SchemaRegistry registry, Rollout rollout) {
            return StructuredClient.builder(keel, registry, rollout, StructuredDecoder.forJson(registry, "ticket"))
                    .model("gpt-own")
                    .build();
        }
    }

    @Test
    void theApplicationsStructuredClient_wins_overTheAutoConfiguredOne() {
        withSchemas().withUserConfiguration(OwnClient.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeanNamesForType(StructuredClient.class)).containsExactly("myTickets");
        });
    }

    @Test
    void aSchemasFolderThatDoesNotExist_failsStartUp_namingTheKey() {
        runner.withPropertyValues("keel.structured-output.schemas=" + tmp.resolve("nope"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("(keel.structured-output.schemas): structured-output.schemas: no such folder");
                });
    }

    @Test
    void anUnregisteredVersion_failsStartUp_namingTheKey() {
        withSchemas()
                .withPropertyValues("keel.structured-output.schema-version=v9")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("(keel.structured-output.schema-version): structured-output.schema-version:")
                            .contains("v9");
                });
    }

    @Test
    void severalSchemasAndNoneNamed_failsStartUp_namingTheKey() {
        TestSchemas.withSecondSchema(TestSchemas.copyTo(tmp));
        runner.withPropertyValues("keel.structured-output.schemas=" + tmp).run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("structured-output.schema: is unset but the schemas folder holds several schemas");
        });
    }

    @Test
    void aCanaryShareOutOfRange_failsStartUp_namingTheKey() {
        withSchemas()
                .withPropertyValues("keel.structured-output.canary-percent=101")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains(
                                    "(keel.structured-output.canary-percent): structured-output.canary-percent: must be"
                                            + " between 0 and 100, was 101");
                });
    }
}
