package dev.keel.batch;

/** A {@link TaskKind#REALTIME} task was offered to the batch path, which may delay it for hours. */
public final class RealtimeTaskException extends IllegalArgumentException {

    public RealtimeTaskException(String customId) {
        super("task " + customId + " is REALTIME: the batch path may take up to 24 h; send it synchronously"
                + " (KeelClient.responses()) or mark it OFFLINE_SAFE if it can wait");
    }
}
