package dev.keel.batch.run;

/** Hears about a run's progress after each step. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = p -> {};

    void progress(RunProgress p);

    /**
     * The run is waiting for an upstream it cannot get through to: {@code line} says for what, why,
     * and when it gives up (e.g. {@code waiting for upstream http://…: connection refused; giving up
     * in 9m30s}). Called after each failed try.
     */
    default void waiting(String line) {}
}
