package dev.keel.emulator;

import dev.keel.emulator.fault.FaultPlan;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Everything the emulator can be told at start. Immutable; build with {@link #builder()}.
 *
 * @param host the address to bind; loopback by default
 * @param port the port; 0 picks a free one
 * @param requiredKey when non-null, only {@code Authorization: Bearer <requiredKey>} is accepted;
 *     when null any bearer key is. Never printed by {@link #toString()}
 * @param batchSpeed emulated seconds per real second for batch and background-response lifecycles
 *     (3600: a 24 h window in 24 s); positive
 * @param batchTimings stage durations of a batch, in emulated time
 * @param rateLimits the limits reported (and maybe enforced) on model calls
 * @param faults the fault rules; {@link FaultPlan#NONE} for none
 * @param clock the wall clock for timestamps and batch progress
 * @param recordCapacity how many recent requests to keep for {@link Emulator#requests()}; 0 keeps
 *     none
 * @param maxFileBytes largest upload accepted (the API: 512 MB)
 * @param maxBatchFileBytes largest batch input file (the API: 200 MB)
 * @param maxBatchRequests most requests in one batch (the API: 50,000)
 * @param realtime how the realtime WebSocket paces audio and expires sessions
 * @param storageBudgetBytes the most bytes the emulator keeps of uploaded files, batch output and
 *     error files, results of running batches and stored responses, together; past it the oldest
 *     are evicted and answer 404 (default: a quarter of the heap's maximum, {@code -Xmx})
 * @param models the models the emulator knows; others get {@code 404 model_not_found}
 * @param lenient when true, requests are not checked against the spec's request schemas and any
 *     model is accepted (the old permissive behaviour, for quick experiments); false by default
 * @param dataDir where files and batches are kept on disk (written atomically, loaded again at
 *     start) so they outlive the process as the API's do, or null to keep them in memory only (the
 *     default)
 * @param flexLatency the extra time a {@code service_tier: "flex"} request waits before it is
 *     answered (flex is slower than the default tier); default 100 ms
 * @param webhooks where signed batch webhooks go, or null for none (the default)
 */
public record EmulatorConfig(
        String host,
        int port,
        String requiredKey,
        double batchSpeed,
        BatchTimings batchTimings,
        RateLimits rateLimits,
        FaultPlan faults,
        InstantSource clock,
        int recordCapacity,
        long maxFileBytes,
        long maxBatchFileBytes,
        int maxBatchRequests,
        RealtimeSettings realtime,
        long storageBudgetBytes,
        Models models,
        boolean lenient,
        java.nio.file.Path dataDir,
        java.time.Duration flexLatency,
        WebhookSettings webhooks) {

    public static final long MB = 1024L * 1024L;

    /** @throws IllegalArgumentException when a value is out of range, naming it and its value */
    public EmulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(batchTimings, "batchTimings");
        Objects.requireNonNull(rateLimits, "rateLimits");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(realtime, "realtime");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(flexLatency, "flexLatency");
        if (flexLatency.isNegative()) {
            throw new IllegalArgumentException("flexLatency must not be negative, got " + flexLatency);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (!(batchSpeed > 0)) {
            throw new IllegalArgumentException("batchSpeed must be positive, got " + batchSpeed);
        }
        if (recordCapacity < 0 || maxFileBytes < 1 || maxBatchFileBytes < 1 || maxBatchRequests < 1) {
            throw new IllegalArgumentException("recordCapacity must be >= 0 and the file/batch limits >= 1");
        }
        // memory (storage budget)
        if (storageBudgetBytes < MB) {
            throw new IllegalArgumentException(
                    "storageBudgetBytes must be at least 1 MB (1048576), got " + storageBudgetBytes);
        }
        if (requiredKey != null && requiredKey.isBlank()) {
            throw new IllegalArgumentException("requiredKey must not be blank; leave it unset to accept any key");
        }
    }

    /** Loopback, a free port, any key, batch speed 60, no faults, default limits. */
    public static EmulatorConfig ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .host(host)
                .port(port)
                .requiredKey(requiredKey)
                .batchSpeed(batchSpeed)
                .batchTimings(batchTimings)
                .rateLimits(rateLimits)
                .faults(faults)
                .clock(clock)
                .recordCapacity(recordCapacity)
                .maxFileBytes(maxFileBytes)
                .maxBatchFileBytes(maxBatchFileBytes)
                .maxBatchRequests(maxBatchRequests)
                .realtime(realtime)
                .storageBudgetBytes(storageBudgetBytes)
                .models(models)
                .lenient(lenient)
                .dataDir(dataDir)
                .flexLatency(flexLatency)
                .webhooks(webhooks);
    }

    /** The default storage budget: a quarter of the heap's maximum ({@code -Xmx}), at least 16 MB. */
    public static long defaultStorageBudgetBytes() {
        return Math.max(16 * MB, Runtime.getRuntime().maxMemory() / 4);
    }

    @Override
    public String toString() {
        return "EmulatorConfig[host=" + host + ", port=" + port + ", requiredKey="
                + (requiredKey == null ? "none" : "<redacted>") + ", batchSpeed=" + batchSpeed + ", batchTimings="
                + batchTimings + ", rateLimits=" + rateLimits + ", faultRules="
                + faults.rules().size()
                + ", recordCapacity=" + recordCapacity + ", maxFileBytes=" + maxFileBytes + ", maxBatchFileBytes="
                + maxBatchFileBytes + ", maxBatchRequests=" + maxBatchRequests + ", realtime=" + realtime
                + ", storageBudgetBytes=" + storageBudgetBytes + ", models="
                + models.ids().size() + ", lenient="
                + lenient + ", dataDir=" + dataDir + ", flexLatency=" + flexLatency + ", webhooks=" + webhooks + "]";
    }

    /** Builder for {@link EmulatorConfig}; not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private String requiredKey;
        private double batchSpeed = 60;
        private BatchTimings batchTimings = BatchTimings.ofDefaults();
        private RateLimits rateLimits = RateLimits.ofDefaults();
        private FaultPlan faults = FaultPlan.NONE;
        private InstantSource clock = InstantSource.system();
        private int recordCapacity = 10_000;
        private long maxFileBytes = 512 * MB;
        private long maxBatchFileBytes = 200 * MB;
        private int maxBatchRequests = 50_000;
        private RealtimeSettings realtime = RealtimeSettings.ofDefaults();
        private long storageBudgetBytes = defaultStorageBudgetBytes();
        private Models models = Models.ofDefaults();
        private boolean lenient;
        private java.nio.file.Path dataDir;
        private java.time.Duration flexLatency = java.time.Duration.ofMillis(100);
        private WebhookSettings webhooks;

        private Builder() {}

        /**
         * How much longer than the default tier a {@code service_tier: "flex"} request takes to
         * answer (default 100 ms; flex "answers slower").
         */
        public Builder flexLatency(java.time.Duration v) {
            flexLatency = v;
            return this;
        }

        /** Deliver signed batch webhooks (null: none, the default). */
        public Builder webhooks(WebhookSettings v) {
            webhooks = v;
            return this;
        }

        public Builder dataDir(java.nio.file.Path v) {
            dataDir = v;
            return this;
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder requiredKey(String v) {
            requiredKey = v;
            return this;
        }

        public Builder batchSpeed(double v) {
            batchSpeed = v;
            return this;
        }

        public Builder batchTimings(BatchTimings v) {
            batchTimings = v;
            return this;
        }

        public Builder rateLimits(RateLimits v) {
            rateLimits = v;
            return this;
        }

        public Builder faults(FaultPlan v) {
            faults = v;
            return this;
        }

        public Builder clock(InstantSource v) {
            clock = v;
            return this;
        }

        public Builder recordCapacity(int v) {
            recordCapacity = v;
            return this;
        }

        public Builder maxFileBytes(long v) {
            maxFileBytes = v;
            return this;
        }

        public Builder maxBatchFileBytes(long v) {
            maxBatchFileBytes = v;
            return this;
        }

        public Builder maxBatchRequests(int v) {
            maxBatchRequests = v;
            return this;
        }

        public Builder realtime(RealtimeSettings v) {
            realtime = v;
            return this;
        }

        public Builder storageBudgetBytes(long v) {
            storageBudgetBytes = v;
            return this;
        }

        public Builder models(Models v) {
            models = v;
            return this;
        }

        public Builder lenient(boolean v) {
            lenient = v;
            return this;
        }

        /** @throws IllegalArgumentException as the record's constructor */
        public EmulatorConfig build() {
            return new EmulatorConfig(
                    host,
                    port,
                    requiredKey,
                    batchSpeed,
                    batchTimings,
                    rateLimits,
                    faults,
                    clock,
                    recordCapacity,
                    maxFileBytes,
                    maxBatchFileBytes,
                    maxBatchRequests,
                    realtime,
                    storageBudgetBytes,
                    models,
                    lenient,
                    dataDir,
                    flexLatency,
                    webhooks);
        }
    }
}
