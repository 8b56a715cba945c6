package dev.keel.springboot;

import dev.keel.config.KeelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/keel}: keel's effective configuration — every key with its value and where it came
 * from (a property source and line, an environment variable, or the default) — with secrets (API keys,
 * app tokens, passwords in URLs) redacted by the model, the same view as {@code keel config show} and
 * the sidecar's {@code /debug/config}. Expose it with {@code management.endpoints.web.exposure.include}.
 */
@Endpoint(id = "keel")
public final class KeelConfigEndpoint {

    private final KeelConfig config;

    public KeelConfigEndpoint(KeelConfig config) {
        this.config = config;
    }

    /** The effective configuration, one entry per key, in the model's order. */
    @ReadOperation
    public Map<String, Object> configuration() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (KeelConfig.Entry e : config.entries()) {
            var m = new LinkedHashMap<String, Object>();
            m.put("key", SpringKeelConfig.PREFIX + e.key());
            m.put("value", e.value());
            m.put("origin", e.origin() == null ? "default" : e.origin().toString());
            m.put("live", e.live());
            entries.add(m);
        }
        return Map.of("configuration", entries);
    }
}
