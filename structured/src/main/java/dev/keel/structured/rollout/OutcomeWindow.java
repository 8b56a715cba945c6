package dev.keel.structured.rollout;

/**
 * The most recent decodes of one arm, as a ring of "was it a fallback" bits. Not thread-safe; the
 * {@link Rollout} guards it.
 */
final class OutcomeWindow {

    private final boolean[] bad;
    private int size;
    private int next;
    private int badCount;

    OutcomeWindow(int capacity) {
        this.bad = new boolean[capacity];
    }

    void add(boolean fallback) {
        if (size == bad.length) {
            badCount -= bad[next] ? 1 : 0;
        } else {
            size++;
        }
        bad[next] = fallback;
        badCount += fallback ? 1 : 0;
        next = (next + 1) % bad.length;
    }

    int size() {
        return size;
    }

    double badRate() {
        return size == 0 ? 0 : (double) badCount / size;
    }
}
