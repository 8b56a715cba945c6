package dev.keel.core;

/** Which traffic a client carries; online and batch traffic use separate clients, limits and maybe keys. */
public enum TrafficClass {
    /** Calls a user is waiting for. */
    ONLINE,
    /** Delay-tolerant background work (batch submission, polling, replays). */
    BATCH
}
