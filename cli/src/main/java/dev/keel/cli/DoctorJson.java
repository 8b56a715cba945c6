package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.TimeoutChain;
import dev.keel.wire.json.Json;
import java.util.List;

/** The {@code --format json} document of {@code keel doctor timeouts} (docs/cli.md). Stateless. */
final class DoctorJson {

    private DoctorJson() {}

    /** {@code layers[] {name, timeout_ms}, findings[] {outer, inner, message}, ok}. */
    static ObjectNode timeouts(List<TimeoutChain.Layer> chain, List<TimeoutChain.Finding> findings) {
        ObjectNode j = Json.object();
        var layers = j.putArray("layers");
        chain.forEach(l -> layers.addObject()
                .put("name", l.name())
                .put("timeout_ms", l.timeout().toMillis()));
        var arr = j.putArray("findings");
        findings.forEach(f -> arr.addObject()
                .put("outer", f.outer().name())
                .put("inner", f.inner().name())
                .put("message", f.message()));
        return j.put("ok", findings.isEmpty());
    }
}
