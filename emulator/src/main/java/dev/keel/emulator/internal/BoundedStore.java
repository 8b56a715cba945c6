package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A map of encoded values whose bytes count against the emulator's {@link StorageBudget}: values
 * are kept as one byte array each (never as a parsed tree beside it), decoded afresh on every
 * {@link #get}, and forgotten oldest-first when the budget is full. Thread-safe.
 */
final class BoundedStore<V> {

    /** Reads back exactly what was written: {@code 1.0} stays {@code 1.0}, not {@code 1}. */
    private static final ObjectReader EXACT =
            Json.mapper().reader().without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private final StorageBudget budget;
    private final Function<V, byte[]> encode;
    private final Function<byte[], V> decode;
    private final Map<String, byte[]> map = new HashMap<>();

    BoundedStore(StorageBudget budget, Function<V, byte[]> encode, Function<byte[], V> decode) {
        this.budget = budget;
        this.encode = encode;
        this.decode = decode;
    }

    /** Stores (or replaces) a value; may evict older entries of any store sharing the budget. */
    void put(String id, V value) {
        byte[] bytes = encode.apply(value);
        synchronized (this) {
            map.put(id, bytes);
        }
        budget.admit(id, bytes.length, () -> forget(id, bytes));
    }

    /** A fresh copy of the value, or null when there is none (never stored, evicted or removed). */
    V get(String id) {
        byte[] bytes;
        synchronized (this) {
            bytes = map.get(id);
        }
        return bytes == null ? null : decode.apply(bytes);
    }

    /** Removes a value; returns whether there was one. */
    boolean remove(String id) {
        byte[] removed;
        synchronized (this) {
            removed = map.remove(id);
        }
        if (removed != null) {
            budget.release(id);
        }
        return removed != null;
    }

    /** Decodes a JSON object this store encoded, numbers exactly as they were written. */
    static ObjectNode exactTree(byte[] json) {
        try {
            return (ObjectNode) EXACT.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored JSON value no longer parses", e);
        }
    }

    /** Decodes a JSON array this store encoded, numbers exactly as they were written. */
    static com.fasterxml.jackson.databind.node.ArrayNode exactArray(byte[] json) {
        try {
            return (com.fasterxml.jackson.databind.node.ArrayNode) EXACT.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored JSON value no longer parses", e);
        }
    }

    /** Evicts {@code id} unless it has since been replaced by a newer value. */
    private synchronized void forget(String id, byte[] bytes) {
        map.remove(id, bytes);
    }
}
