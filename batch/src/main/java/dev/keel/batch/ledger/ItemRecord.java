package dev.keel.batch.ledger;

/**
 * An item as the ledger holds it; the error fields are those of its last failed attempt (null while
 * it has none).
 */
public record ItemRecord(
        String customId,
        long lineNo,
        String line,
        int estInputTokens,
        int estOutputTokens,
        ItemState state,
        int replayCount,
        String errorCode,
        String errorClass,
        String errorMessage) {}
