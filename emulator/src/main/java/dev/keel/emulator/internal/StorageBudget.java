package dev.keel.emulator.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One byte budget for everything the emulator keeps between requests: uploaded files, batch output
 * and error files, the results of batches still running, and stored responses. Each entry is
 * counted by its bytes plus a fixed overhead; past the budget the oldest entries are evicted, first
 * in first out across every kind, and their stores then answer 404 as the API does for a deleted
 * object. Thread-safe; evictions run outside this object's lock, so a store may hold its own lock
 * while it admits an entry.
 */
public final class StorageBudget {

    /** Bytes counted on top of each entry's content: its id, map entry and record. */
    static final long ENTRY_OVERHEAD = 256;

    private record Entry(long bytes, Runnable evict) {}

    private final long budgetBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long retained;
    private long evicted;

    /** @param budgetBytes the most bytes kept; positive */
    public StorageBudget(long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("storage budget must be at least 1 byte, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** The configured budget in bytes. */
    public long budgetBytes() {
        return budgetBytes;
    }

    /** Whether content of this many bytes can be kept at all. */
    public boolean fits(long bytes) {
        return bytes + ENTRY_OVERHEAD <= budgetBytes;
    }

    /**
     * Counts a new entry and evicts the oldest entries until the total is within the budget (the new
     * entry last, when it alone is larger than the budget).
     *
     * @param key unique among live entries (an object id)
     * @param bytes the entry's content size
     * @param evict forgets the entry in its store; called at most once, outside this lock
     */
    public void admit(String key, long bytes, Runnable evict) {
        List<Runnable> victims = new ArrayList<>();
        synchronized (this) {
            Entry old = entries.put(key, new Entry(bytes + ENTRY_OVERHEAD, evict));
            if (old != null) {
                retained -= old.bytes();
            }
            retained += bytes + ENTRY_OVERHEAD;
            Iterator<Entry> oldest = entries.values().iterator();
            while (retained > budgetBytes && oldest.hasNext()) {
                Entry e = oldest.next();
                oldest.remove();
                retained -= e.bytes();
                evicted++;
                victims.add(e.evict());
            }
        }
        victims.forEach(Runnable::run);
    }

    /** Stops counting an entry its store has dropped itself (deleted, or replaced); no-op when unknown. */
    public synchronized void release(String key) {
        Entry e = entries.remove(key);
        if (e != null) {
            retained -= e.bytes();
        }
    }

    /** Bytes counted now, overhead included; never above the budget once {@link #admit} returns. */
    public synchronized long retainedBytes() {
        return retained;
    }

    /** Entries evicted since start. */
    public synchronized long evictedEntries() {
        return evicted;
    }
}
