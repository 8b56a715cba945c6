package dev.keel.springboot;

import dev.keel.config.ConfigLayer;
import dev.keel.config.ConfigValue;
import dev.keel.config.KeelConfig;
import dev.keel.config.Origin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Binds Spring's {@link ConfigurableEnvironment} onto keel's one configuration model: every property
 * named {@code keel.<key>} is the model's {@code <key>} (the same names, types and validation as {@code
 * keel.yaml}), and the environment variables keel reads ({@code OPENAI_API_KEY}, {@code KEEL_*}) take
 * the system environment's place in Boot's order. So precedence is Boot's own: command-line arguments
 * and test properties, then system properties, then the environment, then {@code application.yml} and
 * the other files, then keel's defaults. Each value's origin names the property source, its line when
 * Boot knows it, and the full property name, so a bad value fails start-up with a message such as
 * {@code class path resource [application.yml] - 3:19 (keel.retry.max-attempts): retry.max-attempts:
 * must be between 1 and 10, was 0}, and an unknown key under {@code keel.} gets a "did you mean".
 */
public final class SpringKeelConfig {

    /** The property prefix. */
    public static final String PREFIX = "keel.";

    private static final String CONFIGURATION_PROPERTIES = "configurationProperties";

    private SpringKeelConfig() {}

    /**
     * Resolves the model from {@code env}.
     *
     * @throws dev.keel.config.ConfigException naming each bad or unknown key and where it was set
     */
    public static KeelConfig resolve(ConfigurableEnvironment env) {
        List<ConfigLayer> layers = new ArrayList<>();
        List<ConfigValue> group = new ArrayList<>();
        int n = 0;
        for (PropertySource<?> source : env.getPropertySources()) {
            if (CONFIGURATION_PROPERTIES.equals(source.getName())) {
                continue; // Boot's view over all the others
            }
            if (StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName())) {
                layers.add(ConfigLayer.of("properties " + (++n), group));
                group = new ArrayList<>();
                layers.add(ConfigLayer.environment(variables(source)));
                continue;
            }
            if (!(source instanceof EnumerablePropertySource<?> e)) {
                continue;
            }
            for (String name : e.getPropertyNames()) {
                if (!name.toLowerCase(Locale.ROOT).startsWith(PREFIX) || name.length() == PREFIX.length()) {
                    continue;
                }
                Object raw = e.getProperty(name);
                if (raw == null) {
                    continue;
                }
                String value = env.resolvePlaceholders(raw.toString());
                group.add(new ConfigValue(name.substring(PREFIX.length()), value, origin(source, name)));
            }
            // one layer per property source keeps Boot's order: an earlier source wins
            layers.add(ConfigLayer.of(source.getName(), group));
            group = new ArrayList<>();
        }
        if (!group.isEmpty()) {
            layers.add(ConfigLayer.of("properties", group));
        }
        return KeelConfig.resolve(layers);
    }

    private static Map<String, String> variables(PropertySource<?> source) {
        var out = new HashMap<String, String>();
        if (source instanceof EnumerablePropertySource<?> e) {
            for (String name : e.getPropertyNames()) {
                Object v = e.getProperty(name);
                if (v != null) {
                    out.put(name, v.toString());
                }
            }
        }
        return out;
    }

    private static Origin origin(PropertySource<?> source, String name) {
        org.springframework.boot.origin.Origin o = OriginLookup.getOrigin(source, name);
        String where = o != null ? o.toString() : source.getName();
        return Origin.property(where + " (" + name + ")");
    }
}
