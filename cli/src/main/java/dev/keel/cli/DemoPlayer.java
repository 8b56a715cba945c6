package dev.keel.cli;

import dev.keel.realtime.session.SessionController;
import java.time.Instant;

/**
 * A simulated device player: starts sounding an answer {@code bufferMs} after its first audio
 * and plays in real time, reporting the start and its progress to the controller (so the
 * truncate point and the playback segment are the player's, not an estimate).
 */
final class DemoPlayer implements dev.keel.realtime.session.AudioSink, Runnable {
    volatile SessionController controller;
    volatile int bufferMs = 40;
    private volatile String item;
    private volatile long receivedMs;
    private volatile long startAt;
    private volatile long startedAt = -1;

    @Override
    public void accept(String itemId, byte[] pcm16) { // under the controller's lock: no calls back
        if (!itemId.equals(item)) {
            startedAt = -1;
            receivedMs = 0;
            startAt = System.nanoTime() + bufferMs * 1_000_000L;
            item = itemId;
        }
        receivedMs += pcm16.length / 48;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            String it = item;
            if (it != null && startedAt < 0 && System.nanoTime() >= startAt) {
                startedAt = System.nanoTime();
                controller.reportPlaybackStarted(it, Instant.now());
            }
            if (it != null && startedAt >= 0) {
                controller.reportPlayback(it, Math.min(receivedMs, (System.nanoTime() - startedAt) / 1_000_000));
            }
            RealtimeDemo.pause(5);
        }
    }
}
