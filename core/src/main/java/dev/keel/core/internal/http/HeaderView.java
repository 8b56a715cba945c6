package dev.keel.core.internal.http;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * A response's headers as an immutable {@code Map} of lower-case name to values, read straight from
 * Jetty's immutable fields: a lookup by name (any case) costs one scan of the fields, and the full
 * map is only built if someone iterates it. Saves building a map per answer on the hot path, where
 * only a header or two (request id, retry hints) is ever read. Thread-safe.
 */
public final class HeaderView extends AbstractMap<String, List<String>> {

    private final HttpFields fields;
    private volatile Map<String, List<String>> materialized;

    public HeaderView(HttpFields fields) {
        this.fields = fields.asImmutable();
    }

    @Override
    public List<String> get(Object name) {
        if (!(name instanceof String s)) {
            return null;
        }
        List<String> values = fields.getValuesList(s);
        return values.isEmpty() ? null : List.copyOf(values);
    }

    /** The first value of header {@code name} (any case), or null; allocates nothing. */
    public String first(String name) {
        return fields.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String s && fields.contains(s);
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Map<String, List<String>> m = materialized;
        if (m == null) {
            Map<String, List<String>> byName = new HashMap<>();
            for (HttpField f : fields) {
                byName.computeIfAbsent(f.getLowerCaseName(), k -> new ArrayList<>())
                        .add(f.getValue() == null ? "" : f.getValue());
            }
            Map<String, List<String>> copy = new HashMap<>();
            byName.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            m = Map.copyOf(copy);
            materialized = m;
        }
        return m.entrySet();
    }
}
