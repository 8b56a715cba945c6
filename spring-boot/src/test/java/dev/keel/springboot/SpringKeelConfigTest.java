package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Boot's property sources bind onto keel's model in Boot's order, with keel's environment variables in the system environment's place. */
class SpringKeelConfigTest {

    private static StandardEnvironment env(
            Map<String, Object> high, Map<String, Object> variables, Map<String, Object> low) {
        var env = new StandardEnvironment();
        var sources = env.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.replace(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        sources.addFirst(new MapPropertySource("commandLineArgs", high));
        sources.addLast(new MapPropertySource("application.yml", low));
        return env;
    }

    @Test
    void precedence_isBoots_commandLineOverEnvironmentOverFiles() {
        KeelConfig c = SpringKeelConfig.resolve(env(
                Map.of("keel.retry.max-attempts", "4"),
                Map.of("OPENAI_API_KEY", "sk-from-env", "KEEL_RETRY_MAX_ATTEMPTS", "5"),
                Map.of(
                        "keel.retry.max-attempts",
                        "6",
                        "keel.upstream.api-key",
                        "sk-from-file",
                        "keel.slo.target",
                        "0.99")));
        assertThat(c.get(Settings.MAX_ATTEMPTS)).isEqualTo(4);
        assertThat(c.origin(Settings.MAX_ATTEMPTS).toString()).contains("keel.retry.max-attempts");
        assertThat(c.get(Settings.API_KEY)).isEqualTo("sk-from-env");
        assertThat(c.origin(Settings.API_KEY).toString()).isEqualTo("env OPENAI_API_KEY");
        assertThat(c.get(Settings.SLO_TARGET)).isEqualTo(0.99);
        assertThat(c.origin(Settings.SLO_TARGET).toString()).startsWith("application.yml");
    }

    @Test
    void underscoresAndUnsetDefaults_followTheModel() {
        KeelConfig c = SpringKeelConfig.resolve(
                env(Map.of(), Map.of(), Map.of("keel.breaker.min_calls", "9", "keel.upstream.api-key", "sk-x")));
        assertThat(c.get(Settings.BREAKER_MIN_CALLS)).isEqualTo(9);
        assertThat(c.isDefault(Settings.MAX_ATTEMPTS)).isTrue();
    }
}
