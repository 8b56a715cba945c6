package dev.keel.realtime;

/**
 * Synthetic user audio for demos, benchmarks and tests: PCM16 little-endian, 24 kHz mono, either a
 * voiced tone loud enough for server VAD or silence. Stateless; thread-safe.
 */
public final class SyntheticSpeech {

    /** Samples per second of Realtime PCM audio. */
    public static final int SAMPLE_RATE = 24_000;

    private SyntheticSpeech() {}

    /** {@code ms} of a 200 Hz tone with harmonics at about −12 dBFS: speech to an energy VAD. */
    public static byte[] voiced(int ms) {
        int n = SAMPLE_RATE * ms / 1000;
        byte[] pcm = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            double t = (double) i / SAMPLE_RATE;
            double v = 0.6 * Math.sin(2 * Math.PI * 200 * t)
                    + 0.3 * Math.sin(2 * Math.PI * 400 * t)
                    + 0.1 * Math.sin(2 * Math.PI * 800 * t);
            short s = (short) (v * 8000);
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        return pcm;
    }

    /** {@code ms} of silence. */
    public static byte[] silence(int ms) {
        return new byte[SAMPLE_RATE * ms / 1000 * 2];
    }
}
