package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code service_tier} an answer reports for a request's (already schema-checked) {@code
 * service_tier}, as the spec describes: {@code flex} is served as {@code flex}; {@code priority}
 * and {@code fast} are served as {@code priority} ("the response will show service_tier=priority
 * regardless"); absent, {@code null}, {@code auto} and {@code default} as {@code default} (the
 * project setting defaults to default). {@code scale} and {@code ultrafast} need capacity or access
 * the emulated project does not have, so they are served as {@code default} (the response "may be
 * different from the value set").
 */
final class ServiceTiers {

    private ServiceTiers() {}

    static String served(JsonNode request) {
        JsonNode tier = request == null ? null : request.get("service_tier");
        if (tier == null || !tier.isTextual()) {
            return "default";
        }
        return switch (tier.asText()) {
            case "flex" -> "flex";
            case "priority", "fast" -> "priority";
            default -> "default";
        };
    }
}
