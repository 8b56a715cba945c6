package dev.keel.emulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of live objects that forgets its oldest entries past a count, for state that is not stored
 * bytes (running background responses); stored bytes go through {@link BoundedStore} and the
 * storage budget. Thread-safe.
 */
final class CappedMap<V> {

    private final Map<String, V> map;

    CappedMap(int capacity) {
        this.map = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void put(String id, V value) {
        map.put(id, value);
    }

    synchronized V get(String id) {
        return map.get(id);
    }

    /** Removes the entry; the value it had, or null. */
    synchronized V remove(String id) {
        return map.remove(id);
    }
}
