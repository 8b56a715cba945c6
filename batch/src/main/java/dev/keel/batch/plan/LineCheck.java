package dev.keel.batch.plan;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@link LineValidator} made of one input line. */
public sealed interface LineCheck {

    /** A line the batch path accepts (its {@code custom_id} is unique only once the planner says so). */
    record Valid(String customId, String url, String model, JsonNode body) implements LineCheck {}

    /** A line it refuses, with the {@code custom_id} when one could be read. */
    record Invalid(String customId, String reason) implements LineCheck {}
}
