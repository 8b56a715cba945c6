package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;

/**
 * An error the emulator answers with, in OpenAI's shape {@code {error:{message,type,param,code}}}.
 * Thrown by route code and turned into the response by the server. Immutable.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String message, String type, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 {@code invalid_request_error}. */
    public static ApiException invalid(String message, String param, String code) {
        return new ApiException(400, message, "invalid_request_error", param, code);
    }

    /** 400 for a missing required parameter, worded as the API words it. */
    public static ApiException missing(String param) {
        return invalid("Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
    }

    /** 404 {@code invalid_request_error}, as the API answers unknown ids. */
    public static ApiException notFound(String message, String param) {
        return new ApiException(404, message, "invalid_request_error", param, null);
    }

    /** The error body for a given HTTP status, with the usual type and code for that status. */
    public static ApiException forStatus(int status, String code) {
        return switch (status) {
            case 401 ->
                new ApiException(
                        401,
                        "Incorrect API key provided.",
                        "invalid_request_error",
                        null,
                        orDefault(code, "invalid_api_key"));
            case 403 ->
                new ApiException(
                        403, "You are not allowed to sample from this model", "invalid_request_error", null, code);
            case 404 -> notFound("The requested resource was not found.", null);
            case 408 -> new ApiException(408, "Request timed out.", "timeout", null, code);
            case 409 ->
                new ApiException(
                        409, "The request conflicted with another request (lock timeout).", "conflict", null, code);
            case 429 -> rateLimited(code);
            case 500 -> server(500, "The server had an error while processing your request. Sorry about that!", code);
            case 502 -> server(502, "Bad gateway.", code);
            case 503 -> server(503, "The engine is currently overloaded, please try again later.", code);
            case 504 -> server(504, "Gateway timeout.", code);
            default ->
                status >= 500
                        ? server(status, "The server had an error while processing your request.", code)
                        : new ApiException(status, "The request was rejected.", "invalid_request_error", null, code);
        };
    }

    private static ApiException rateLimited(String code) {
        if ("insufficient_quota".equals(code)) {
            return new ApiException(
                    429,
                    "You exceeded your current quota, please check your plan and billing details.",
                    "insufficient_quota",
                    null,
                    "insufficient_quota");
        }
        return new ApiException(
                429,
                "Rate limit reached for requests. Please try again later.",
                "requests",
                null,
                orDefault(code, "rate_limit_exceeded"));
    }

    private static ApiException server(int status, String message, String code) {
        return new ApiException(status, message, "server_error", null, code);
    }

    private static String orDefault(String code, String fallback) {
        return code == null ? fallback : code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The body {@code {error:{message,type,param,code}}}; all four keys always present. */
    public ObjectNode body() {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
