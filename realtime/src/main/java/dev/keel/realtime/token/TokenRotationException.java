package dev.keel.realtime.token;

/** Minting the next token failed; the session should reconnect with the {@code token_expired} plan. */
public final class TokenRotationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TokenRotationException(String message) {
        super(message);
    }
}
