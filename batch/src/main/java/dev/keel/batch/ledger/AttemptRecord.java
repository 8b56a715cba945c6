package dev.keel.batch.ledger;

/** A failed attempt of an item (one per replay round), with the item's request line. */
public record AttemptRecord(
        String customId,
        int replayCount,
        String code,
        String cls,
        Integer statusCode,
        String message,
        String batchId,
        String line) {}
