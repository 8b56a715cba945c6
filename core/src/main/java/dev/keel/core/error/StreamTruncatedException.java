package dev.keel.core.error;

/** A stream was cut after its first byte: what arrived is partial and must not be taken as complete. Immutable. */
public final class StreamTruncatedException extends KeelException {

    private static final long serialVersionUID = 1L;

    private final int eventsReceived;

    public StreamTruncatedException(int eventsReceived, String requestId, Throwable cause) {
        super(KeelException.of(
                        ErrorKind.STREAM_TRUNCATED,
                        "the stream was cut after " + eventsReceived
                                + " event(s), before its terminal event; the output is" + " incomplete")
                .status(200)
                .requestId(requestId)
                .attempts(1)
                .cause(cause));
        this.eventsReceived = eventsReceived;
    }

    /** How many events arrived before the cut. */
    public int eventsReceived() {
        return eventsReceived;
    }

    private StreamTruncatedException(KeelException.Builder b, int eventsReceived) {
        super(b);
        this.eventsReceived = eventsReceived;
    }

    /** A copy that records {@code attempts}, keeping this subtype, its trace and its suppressed failures. */
    @Override
    public StreamTruncatedException withAttempts(int attempts) {
        return keepTrace(new StreamTruncatedException(toBuilder().attempts(attempts), eventsReceived));
    }
}
