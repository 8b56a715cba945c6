package dev.keel.structured.rollout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps rollout events as short strings, for asserting whole sequences. Thread-safe. */
public final class RecordingRolloutListener implements RolloutListener {

    public final List<String> events = new CopyOnWriteArrayList<>();
    public final List<RollbackEvent> rollbacks = new CopyOnWriteArrayList<>();

    @Override
    public void configChanged(RolloutConfig previous, RolloutConfig current, String cause) {
        events.add("changed " + current.schemaVersion() + "@" + current.canaryPercent() + " ("
                + cause.replaceAll(" from .*", "") + ")");
    }

    @Override
    public void reloadFailed(String message) {
        events.add("reload failed");
    }

    @Override
    public void autoRollback(RollbackEvent event) {
        rollbacks.add(event);
        events.add("auto rollback");
    }
}
