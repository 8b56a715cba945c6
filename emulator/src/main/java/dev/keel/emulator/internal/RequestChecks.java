package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Models;

/**
 * What every JSON route checks before its own work, as the API does: the body is an object, it fits
 * the spec's request schema of the route ({@link RequestValidator}), and the model it names is known
 * ({@code 404 model_not_found}). A lenient instance checks only that the body is an object. Immutable
 * and thread-safe.
 */
public final class RequestChecks {

    private final Models models;
    private final boolean lenient;
    private final RequestValidator validator;

    public RequestChecks(Models models, boolean lenient) {
        this.models = models;
        this.lenient = lenient;
        this.validator = lenient ? null : new RequestValidator(RequestSchemas.get());
    }

    /** A lenient instance knowing every model; for code that runs without a configured emulator. */
    public static RequestChecks lenient() {
        return new RequestChecks(Models.ofDefaults(), true);
    }

    /**
     * Checks {@code body} of a request to {@code route} ({@code /v1/responses}, …).
     *
     * @throws ApiException 400 for a body the API would refuse, 404 for an unknown model
     */
    public void check(String route, JsonNode body) {
        Fields.object(body);
        if (lenient) {
            return;
        }
        validator.validate(route, body);
        JsonNode model = "/v1/realtime/client_secrets".equals(route)
                ? body.path("session").path("model")
                : body.path("model");
        if (model.isTextual()) {
            requireModel(model.asText(), "/v1/realtime/client_secrets".equals(route) ? "session.model" : "model");
        }
    }

    /** @throws ApiException 404 {@code model_not_found} when the model is not known (never when lenient) */
    public void requireModel(String model, String param) {
        if (!lenient && !models.knows(model)) {
            throw new ApiException(
                    404,
                    "The model '" + model + "' does not exist or you do not have access to it.",
                    "invalid_request_error",
                    param,
                    "model_not_found");
        }
    }

    public boolean isLenient() {
        return lenient;
    }
}
