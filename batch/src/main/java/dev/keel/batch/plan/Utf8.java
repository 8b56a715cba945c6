package dev.keel.batch.plan;

/**
 * Whether bytes are well-formed UTF-8 by the Unicode standard's table of well-formed byte
 * sequences (Table 3-7): no overlong forms, no encoded surrogates, nothing past U+10FFFF, no stray
 * or missing continuation bytes. That is exactly what the JDK's UTF-8 decoder refuses when told to
 * report errors, without decoding anything. Stateless.
 */
final class Utf8 {

    private Utf8() {}

    static boolean isValid(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            if (b[i] >= 0) {
                i++;
                continue;
            }
            int c = b[i] & 0xFF;
            if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 >= n || !cont(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                boolean second = c == 0xE0
                        ? c1 >= 0xA0 && c1 <= 0xBF
                        : c == 0xED ? c1 >= 0x80 && c1 <= 0x9F : c1 >= 0x80 && c1 <= 0xBF;
                if (!second || !cont(b[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                boolean second = c == 0xF0
                        ? c1 >= 0x90 && c1 <= 0xBF
                        : c == 0xF4 ? c1 >= 0x80 && c1 <= 0x8F : c1 >= 0x80 && c1 <= 0xBF;
                if (!second || !cont(b[i + 2]) || !cont(b[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean cont(byte x) {
        return (x & 0xC0) == 0x80;
    }
}
