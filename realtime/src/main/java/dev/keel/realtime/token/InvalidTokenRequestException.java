package dev.keel.realtime.token;

/** A token request with a value out of range or of the wrong type; answered with 400. Immutable. */
public final class InvalidTokenRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String param;

    public InvalidTokenRequestException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** The offending field, e.g. {@code expires_after.seconds}, or null for the whole body. */
    public String param() {
        return param;
    }
}
