package dev.keel.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How secrets are shown: never a character of them, only a fingerprint. Stateless. */
public final class Redaction {

    private Redaction() {}

    /** {@code <redacted sha256:1a2b3c4d>}, the same fingerprint {@code KeelClientConfig.redactedKey()} gives. */
    public static String fingerprint(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "<redacted sha256:" + HexFormat.of().formatHex(d, 0, 4) + ">";
        } catch (NoSuchAlgorithmException e) {
            return "<redacted>";
        }
    }

    /** {@code text} with a URL's password ({@code user:PASS@}, {@code password=PASS}) replaced. */
    public static String url(String text) {
        return text.replaceAll("(://[^:/@\\s]*:)[^@\\s]*@", "$1<redacted>@")
                .replaceAll("(?i)(password=)[^&;\\s]*", "$1<redacted>");
    }
}
