package dev.keel.batch.run;

/** Hears about a run's progress after each step. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = p -> {};

    void progress(RunProgress p);
}
