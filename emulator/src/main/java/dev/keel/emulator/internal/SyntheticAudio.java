package dev.keel.emulator.internal;

import java.util.Base64;

/** Synthetic answer audio: a quiet 220 Hz tone as base64 PCM16 little-endian, 24 kHz mono. Stateless. */
final class SyntheticAudio {

    private static final int RATE = RealtimeConversation.SAMPLE_RATE;
    private static final double AMPLITUDE = 6000;

    private SyntheticAudio() {}

    /** {@code ms} of tone starting {@code offsetMs} into the answer (so chunks join without clicks). */
    static String tone(long offsetMs, long ms) {
        int n = (int) (RATE * ms / 1000);
        long first = RATE * offsetMs / 1000;
        byte[] pcm = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            short s = (short) (AMPLITUDE * Math.sin(2 * Math.PI * 220 * (first + i) / RATE));
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return Base64.getEncoder().encodeToString(pcm);
    }
}
