package dev.keel.emulator.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Object ids in the API's styles ({@code resp_…}, {@code file-…}, {@code batch_…}). Thread-safe. */
public final class Ids {

    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {}

    /** {@code prefix} followed by 32 lower-case hex digits, e.g. {@code resp_…}, {@code req_…}. */
    public static String hex(String prefix) {
        return prefix + random(HEX, 32);
    }

    /** {@code prefix} followed by 24 letters and digits, e.g. {@code file-…}. */
    public static String alnum(String prefix) {
        return prefix + random(ALNUM, 24);
    }

    private static String random(char[] alphabet, int length) {
        var rnd = ThreadLocalRandom.current();
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
