package dev.keel.batch.run;

import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.Reservation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The run's cost ceiling ({@code --max-cost}) and the daily cap ({@code --daily-cap}): an early look
 * before a chunk is uploaded, and the binding reservation made with the chunk's move to CREATING
 * (see {@link Ledger#beginCreate}). A chunk either would cross one is held with a reason that names
 * the figures. Not thread-safe; one per runner.
 */
final class Ceilings {

    private final RunnerContext ctx;
    private final Ledger ledger;
    private final RunConfig config;
    private final Clock clock;

    Ceilings(RunnerContext ctx) {
        this.ctx = ctx;
        this.ledger = ctx.ledger;
        this.config = ctx.config;
        this.clock = ctx.clock;
    }

    /**
     * Moves a leased chunk to CREATING with its estimate reserved against both ceilings, or holds
     * it with the ceiling's reason.
     *
     * @param createUntil until when the create call about to be made may land (recorded with the reservation)
     * @return true when reserved; false when held (the chunk stays UPLOADED)
     */
    boolean reserve(ChunkRecord ch, long createUntil) {
        switch (ledger.beginCreate(
                ch.runId(),
                ch.chunkNo(),
                config.workerId(),
                ch.leaseGen(),
                today(),
                ch.estCostUsd(),
                config.dailyCapUsd(),
                config.maxCostUsd(),
                clock.millis(),
                createUntil)) {
            case Reservation.Reserved reserved -> {
                return true;
            }
            case Reservation.OverRunCeiling over -> {
                hold(ch, runCeilingReason(ch, over.committedUsd()));
                return false;
            }
            case Reservation.OverCap over -> {
                hold(ch, dailyCapReason(ch, over.committedUsd()));
                return false;
            }
        }
    }

    /**
     * Holds {@code ch} when a ceiling would be crossed, as seen now. For the daily cap this is an
     * early look that spares an upload; the binding check is {@link #reserve}.
     */
    boolean held(ChunkRecord ch) {
        String reason = ceiling(ch);
        if (reason == null) {
            return false;
        }
        hold(ch, reason);
        return true;
    }

    void hold(ChunkRecord ch, String reason) {
        ledger.hold(ch.runId(), ch.chunkNo(), reason);
        ctx.release(ch);
        ctx.event(ch, "held: " + reason);
    }

    private String ceiling(ChunkRecord ch) {
        if (config.maxCostUsd() != null) {
            double committed = ledger.committed(ch.runId());
            if (committed + ch.estCostUsd() > config.maxCostUsd()) {
                return runCeilingReason(ch, committed);
            }
        }
        if (config.dailyCapUsd() != null) {
            double spent = ledger.spent(today());
            if (spent + ch.estCostUsd() > config.dailyCapUsd()) {
                return dailyCapReason(ch, spent);
            }
        }
        return null;
    }

    String runCeilingReason(ChunkRecord ch, double committed) {
        return String.format(
                "run cost ceiling: $%.4f committed + $%.4f for chunk %d > --max-cost $%.4f",
                committed, ch.estCostUsd(), ch.chunkNo(), config.maxCostUsd());
    }

    String dailyCapReason(ChunkRecord ch, double spent) {
        return String.format(
                "daily cap: $%.4f spent on %s (UTC) + $%.4f for chunk %d > --daily-cap $%.4f",
                spent, today(), ch.estCostUsd(), ch.chunkNo(), config.dailyCapUsd());
    }

    String today() {
        return Instant.ofEpochMilli(clock.millis())
                .atZone(ZoneOffset.UTC)
                .toLocalDate()
                .toString();
    }
}
