package dev.keel.realtime.latency;

/** The stretches of one voice turn that have a budget, and the histogram each is recorded in (ms). */
public enum Segment {
    /** Device capture and VAD chunking: a chunk captured → handed to the bridge. */
    CAPTURE("realtime_capture_ms"),
    /** Bridge → upstream: the chunk that let the server end the turn sent → {@code speech_stopped} received. */
    UPLINK("realtime_uplink_ms"),
    /** End of user speech (server) → the first audio of the answer received. */
    INFERENCE("realtime_inference_ms"),
    /** First answer audio received → handed to the device's player. */
    DOWNLINK("realtime_downlink_ms"),
    /** Handed to the player → the first sample audible (reported by the app). */
    PLAYBACK("realtime_playback_ms"),
    /** The user stopped speaking (capture time) → the answer became audible. */
    E2E("realtime_e2e_ms");

    private final String metric;

    Segment(String metric) {
        this.metric = metric;
    }

    /** The Prometheus histogram name. */
    public String metric() {
        return metric;
    }
}
