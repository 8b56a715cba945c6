package dev.keel.batch.plan;

/**
 * How input is split and checked.
 *
 * @param maxItems requests per chunk (default 500, the recipe's conservative start; at most 50,000,
 *     OpenAI's limit per batch)
 * @param maxChunkBytes bytes per chunk file (default and maximum 200 MB, OpenAI's limit)
 * @param maxLineBytes bytes per input line (default 20 MB; a longer line is refused, usually a
 *     missing newline)
 * @param defaultOutputTokens the output bound for a request that sets none, used for cost ceilings
 * @param skipInvalid move bad lines to {@code rejected.jsonl} and go on, instead of refusing the run
 */
public record PlanConfig(
        int maxItems, long maxChunkBytes, long maxLineBytes, int defaultOutputTokens, boolean skipInvalid) {

    public static final int MAX_ITEMS_LIMIT = 50_000;
    public static final long MAX_CHUNK_BYTES_LIMIT = 200L * 1024 * 1024;

    /**
     * @throws IllegalArgumentException when a value is outside its range, naming the option
     */
    public PlanConfig {
        if (maxItems < 1 || maxItems > MAX_ITEMS_LIMIT) {
            throw new IllegalArgumentException("--max-items must be between 1 and " + MAX_ITEMS_LIMIT
                    + " (OpenAI's limit per batch), was " + maxItems);
        }
        if (maxChunkBytes < 1024 || maxChunkBytes > MAX_CHUNK_BYTES_LIMIT) {
            throw new IllegalArgumentException(
                    "--max-chunk-bytes must be between 1 KiB and 200 MiB (OpenAI's file limit), was " + maxChunkBytes);
        }
        if (maxLineBytes < 1 || maxLineBytes >= maxChunkBytes) {
            throw new IllegalArgumentException("--max-line-bytes must be positive and below the chunk size "
                    + maxChunkBytes + ", was " + maxLineBytes);
        }
        if (defaultOutputTokens < 0) {
            throw new IllegalArgumentException("--default-output-tokens must be >= 0, was " + defaultOutputTokens);
        }
    }

    public static PlanConfig ofDefaults() {
        return new PlanConfig(500, MAX_CHUNK_BYTES_LIMIT, 20L * 1024 * 1024, 1024, false);
    }

    public PlanConfig withMaxItems(int n) {
        return new PlanConfig(n, maxChunkBytes, maxLineBytes, defaultOutputTokens, skipInvalid);
    }

    public PlanConfig withSkipInvalid(boolean skip) {
        return new PlanConfig(maxItems, maxChunkBytes, maxLineBytes, defaultOutputTokens, skip);
    }

    public PlanConfig withMaxChunkBytes(long bytes) {
        return new PlanConfig(maxItems, bytes, Math.min(maxLineBytes, bytes - 1), defaultOutputTokens, skipInvalid);
    }

    public PlanConfig withDefaultOutputTokens(int n) {
        return new PlanConfig(maxItems, maxChunkBytes, maxLineBytes, n, skipInvalid);
    }
}
