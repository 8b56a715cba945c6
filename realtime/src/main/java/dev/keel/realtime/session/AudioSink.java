package dev.keel.realtime.session;

/**
 * Where the answer's audio goes (the device's player, a recording): called in arrival order on the
 * controller's event thread; must not block. Implementations report playback progress back through
 * {@link SessionController#reportPlayback} when they know it.
 */
@FunctionalInterface
public interface AudioSink {

    /** Plays or forwards {@code pcm16} (24 kHz mono) of the answer item {@code itemId}. */
    void accept(String itemId, byte[] pcm16);

    /** Discards the audio. */
    AudioSink NONE = (itemId, pcm) -> {};
}
