package dev.keel.gateway;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Spend counters in this process's memory: one gateway process. Thread-safe (one lock). */
public final class MemorySpendLedger implements SpendLedger {

    private final Map<String, Long> spent = new HashMap<>();

    @Override
    public synchronized boolean reserve(String keyId, List<Period> periods, long nanos) {
        for (Period p : periods) {
            if (spent.getOrDefault(keyId + "|" + p.name(), 0L) + nanos > p.capNanos()) {
                return false;
            }
        }
        adjust(keyId, periods, nanos);
        return true;
    }

    @Override
    public synchronized void adjust(String keyId, List<Period> periods, long deltaNanos) {
        for (Period p : periods) {
            spent.merge(keyId + "|" + p.name(), deltaNanos, Long::sum);
        }
    }

    @Override
    public synchronized long spent(String keyId, String period) {
        return spent.getOrDefault(keyId + "|" + period, 0L);
    }
}
