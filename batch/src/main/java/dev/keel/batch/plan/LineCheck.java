package dev.keel.batch.plan;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@link LineValidator} made of one input line. */
public sealed interface LineCheck {

    /**
     * A line the batch path accepts (its {@code custom_id} is unique only once the planner says so),
     * with {@code canonical}: the line re-serialised as keel's compact JSON (UTF-8, no newline), the
     * exact bytes that are stored, hashed and uploaded.
     */
    record Valid(String customId, String url, String model, JsonNode body, byte[] canonical) implements LineCheck {}

    /** A line it refuses, with the {@code custom_id} when one could be read. */
    record Invalid(String customId, String reason) implements LineCheck {}
}
