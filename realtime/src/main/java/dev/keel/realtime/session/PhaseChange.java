package dev.keel.realtime.session;

import java.time.Instant;

/** One transition: from, to, why and when. Immutable. */
public record PhaseChange(Phase from, Phase to, String cause, Instant at) {}
