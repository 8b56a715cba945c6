package dev.keel.structured.decode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every decode event, for assertions. Thread-safe. */
public final class RecordingDecodeListener implements DecodeListener {

    public final List<DecodeEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void decoded(DecodeEvent event) {
        events.add(event);
    }

    public DecodeEvent last() {
        return events.get(events.size() - 1);
    }
}
