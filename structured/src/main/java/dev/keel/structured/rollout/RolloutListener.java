package dev.keel.structured.rollout;

/**
 * Observes the rollout: configuration changes, reload failures and automatic rollbacks.
 * Implementations must be thread-safe and must not throw.
 */
public interface RolloutListener {

    RolloutListener NONE = new RolloutListener() {};

    /** The effective configuration changed (file reload, API override, or an automatic rollback). */
    default void configChanged(RolloutConfig previous, RolloutConfig current, String cause) {}

    /** The config file changed but could not be used; the last good configuration stays. */
    default void reloadFailed(String message) {}

    /** The canary was dropped to 0 % because its fallback rate exceeded the baseline's. */
    default void autoRollback(RollbackEvent event) {}
}
