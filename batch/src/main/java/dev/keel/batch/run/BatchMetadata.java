package dev.keel.batch.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.batch.ledger.ChunkRecord;

/**
 * The metadata keel puts on every batch it creates ({@code keel_run}, {@code keel_chunk}, {@code
 * keel_round}, and {@code keel_redo} once a chunk was redone), and how a batch listed upstream is
 * matched back to its chunk: by the runner after a crash and by the orphan sweep.
 */
final class BatchMetadata {

    private BatchMetadata() {}

    /** Writes the chunk's metadata into a create request's {@code metadata} object. */
    static void write(ObjectNode metadata, ChunkRecord ch, int redos) {
        metadata.put("keel_run", ch.runId())
                .put("keel_chunk", Integer.toString(ch.chunkNo()))
                .put("keel_round", Integer.toString(ch.round()));
        if (redos > 0) {
            metadata.put("keel_redo", Integer.toString(redos));
        }
    }

    /** The run a listed batch belongs to, or "" when keel did not create it. */
    static String run(JsonNode batch) {
        return batch.path("metadata").path("keel_run").asText();
    }

    /** The chunk number as written, or "". */
    static String chunk(JsonNode batch) {
        return batch.path("metadata").path("keel_chunk").asText();
    }

    /** Whether {@code batch} was created for this chunk after exactly {@code redos} redos. */
    static boolean isFor(JsonNode batch, String runId, int chunkNo, int redos) {
        return runId.equals(run(batch))
                && Integer.toString(chunkNo).equals(chunk(batch))
                && Integer.toString(redos)
                        .equals(batch.path("metadata").path("keel_redo").asText("0"));
    }
}
