package dev.keel.batch.ledger;

/** An item of a chunk, as collection needs it. */
public record ItemRecord(
        String customId,
        long lineNo,
        String line,
        int estInputTokens,
        int estOutputTokens,
        ItemState state,
        int replayCount) {}
