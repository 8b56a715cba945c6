package dev.keel.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.config.ConfigException;
import dev.keel.config.ConfigProblem;
import dev.keel.config.KeelConfig;
import dev.keel.config.Setting;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.structured.StructuredClient;
import dev.keel.structured.decode.StructuredDecoder;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.rollout.RolloutListener;
import dev.keel.structured.schema.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Structured outputs with a schema rollout, when keel-structured is on the classpath and there is a
 * schemas folder ({@code keel.structured-output.schemas} set, or the default {@code ./schemas}
 * present): the {@link SchemaRegistry} loaded from that folder (checked against and recorded in its
 * {@code schemas.lock}, as the CLI does), the {@link Rollout} of {@code
 * keel.structured-output.schema} (or the folder's only schema) with the canary share, versions,
 * compat fallback and auto-rollback of {@code keel.structured-output.*}, a JSON {@link
 * StructuredDecoder} for that schema unless the application declares its own typed decoder, and the
 * {@link StructuredClient} on the online {@link KeelClient} asking for {@code
 * keel.structured-output.model}. Each yields to the application's bean of its type; {@code
 * keel.spring.structured.enabled=false} switches all of them off. The rollout's gauge and rollback
 * counter go to the application's registry; an application {@link RolloutListener} bean hears its
 * rollbacks. Start-up fails naming the key for a set folder that does not exist, a folder with several
 * schemas and none named, or a version the folder does not hold.
 */
@AutoConfiguration(after = KeelAutoConfiguration.class)
@ConditionalOnClass(name = "dev.keel.structured.StructuredClient")
@ConditionalOnBooleanProperty(name = "keel.spring.structured.enabled", matchIfMissing = true)
@Conditional(KeelStructuredAutoConfiguration.SchemasFolder.class)
public class KeelStructuredAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public SchemaRegistry keelSchemaRegistry(KeelConfig config) {
        Path dir = config.get(Settings.SCHEMAS);
        if (!Files.isDirectory(dir)) {
            throw problem(
                    config,
                    Settings.SCHEMAS,
                    "no such folder " + dir.toAbsolutePath() + "; put <name>/<version>.json files in it, or unset it");
        }
        try {
            return SchemaRegistry.load(dir);
        } catch (IllegalArgumentException e) {
            throw problem(config, Settings.SCHEMAS, e.getMessage());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public Rollout keelRollout(
            KeelConfig config,
            SchemaRegistry registry,
            KeelClient client,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<RolloutListener> listener) {
        String name = schemaName(config, registry);
        try {
            return Rollout.start(
                    name,
                    registry,
                    config::rolloutConfig,
                    "Spring properties (keel.structured-output.*)",
                    InstantSource.system(),
                    meters.getIfAvailable(client::meterRegistry),
                    listener.getIfUnique(() -> RolloutListener.NONE));
        } catch (IllegalArgumentException e) {
            Setting<String> blamed =
                    config.isDefault(Settings.SCHEMA_VERSION) ? Settings.BASELINE_VERSION : Settings.SCHEMA_VERSION;
            throw problem(config, blamed, e.getMessage());
        }
    }

    private static String schemaName(KeelConfig config, SchemaRegistry registry) {
        String named = config.get(Settings.SCHEMA);
        if (named != null) {
            if (!registry.names().contains(named)) {
                throw problem(
                        config,
                        Settings.SCHEMA,
                        "the schemas folder has no schema " + named + "; it holds " + registry.names());
            }
            return named;
        }
        if (registry.names().size() != 1) {
            throw problem(
                    config,
                    Settings.SCHEMA,
                    "is unset but the schemas folder holds "
                            + (registry.names().isEmpty() ? "no schema" : "several schemas " + registry.names())
                            + "; name the one under rollout");
        }
        return registry.names().get(0);
    }

    /** Decodes into JSON trees; declare a {@code StructuredDecoder<YourType>} bean to decode into your types. */
    @Bean
    @ConditionalOnMissingBean(StructuredDecoder.class)
    public StructuredDecoder<JsonNode> keelStructuredDecoder(SchemaRegistry registry, Rollout rollout) {
        return StructuredDecoder.forJson(registry, rollout.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    public StructuredClient<?> keelStructuredClient(
            KeelClient client,
            SchemaRegistry registry,
            Rollout rollout,
            StructuredDecoder<?> decoder,
            KeelConfig config) {
        return build(client, registry, rollout, decoder, config.get(Settings.STRUCTURED_MODEL));
    }

    private static <T> StructuredClient<T> build(
            KeelClient client, SchemaRegistry registry, Rollout rollout, StructuredDecoder<T> decoder, String model) {
        return StructuredClient.builder(client, registry, rollout, decoder)
                .model(model)
                .build();
    }

    private static ConfigException problem(KeelConfig config, Setting<?> key, String message) {
        return new ConfigException(List.of(new ConfigProblem(config.origin(key), key.key(), message)));
    }

    /** A schemas folder is named, or the default one exists. */
    static final class SchemasFolder extends SpringBootCondition {
        private static final String[] NAMES = {"keel.structured-output.schemas", "keel.structured_output.schemas"};

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment env = context.getEnvironment();
            for (String name : NAMES) {
                if (env.containsProperty(name)) {
                    return ConditionOutcome.match(name + " is set");
                }
            }
            Path fallback = Settings.SCHEMAS.defaultValue();
            return Files.isDirectory(fallback)
                    ? ConditionOutcome.match("the default schemas folder " + fallback + " exists")
                    : ConditionOutcome.noMatch("no keel.structured-output.schemas and no ./" + fallback + " folder");
        }
    }
}
