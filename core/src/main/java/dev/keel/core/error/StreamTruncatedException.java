package dev.keel.core.error;

/** A stream was cut after its first byte: what arrived is partial and must not be taken as complete. Immutable. */
public final class StreamTruncatedException extends KeelException {

    private static final long serialVersionUID = 1L;

    private final int eventsReceived;

    public StreamTruncatedException(int eventsReceived, String requestId, Throwable cause) {
        super(
                ErrorKind.STREAM_TRUNCATED,
                "the stream was cut after " + eventsReceived + " event(s), before its terminal event; the output is"
                        + " incomplete",
                200,
                requestId,
                null,
                1,
                cause);
        this.eventsReceived = eventsReceived;
    }

    /** How many events arrived before the cut. */
    public int eventsReceived() {
        return eventsReceived;
    }
}
