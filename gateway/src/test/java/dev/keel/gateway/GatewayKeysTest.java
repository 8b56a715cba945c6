package dev.keel.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys file is read strictly and checked by hash; secrets are never kept. */
class GatewayKeysTest {

    @TempDir
    Path dir;

    private static final String HASH = "ab".repeat(32);

    private Path file(String text) throws Exception {
        Path f = dir.resolve("keys.json");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void load_aFullEntry_readsEveryLimit() throws Exception {
        var keys = GatewayKeys.load(file("{\"keys\": [{\"id\": \"a\", \"sha256\": \"" + HASH + "\", \"team\": \"t\","
                + " \"user\": \"u\", \"requests_per_minute\": 10, \"tokens_per_minute\": 2000, \"concurrency\": 3,"
                + " \"daily_usd\": 1.5, \"monthly_usd\": \"20\", \"refuse_nested_retries\": true}]}"));
        GatewayKey k = keys.all().get(0);
        assertThat(k.limits()).isEqualTo(new KeyLimits(10, 2000, 3, new BigDecimal("1.5"), new BigDecimal("20"), true));
        assertThat(k.team()).isEqualTo("t");
        assertThat(k.revoked()).isFalse();
    }

    @Test
    void load_withDefaults_aLimitLeftOutTakesTheDefault_andAnExplicitZeroOrNullIsNoLimit() throws Exception {
        var defaults = new KeyLimits(60, 1000, 4, new BigDecimal("2"), new BigDecimal("30"), true);
        var keys = GatewayKeys.load(
                file("{\"keys\": [{\"id\": \"a\", \"sha256\": \"" + HASH + "\"},"
                        + " {\"id\": \"b\", \"sha256\": \"" + "cd".repeat(32) + "\", \"requests_per_minute\": 0,"
                        + " \"concurrency\": 9, \"daily_usd\": null, \"refuse_nested_retries\": false}]}"),
                defaults);
        var byId = new java.util.HashMap<String, KeyLimits>();
        keys.all().forEach(k -> byId.put(k.id(), k.limits()));
        assertThat(byId.get("a")).isEqualTo(defaults);
        assertThat(byId.get("b")).isEqualTo(new KeyLimits(0, 1000, 9, null, new BigDecimal("30"), false));
    }

    @Test
    void load_aFlagThatIsNotABoolean_isRefusedWithItsLine() throws Exception {
        assertThatThrownBy(() -> GatewayKeys.load(
                        file("{\"keys\": [\n{\"id\": \"a\", \"sha256\": \"" + HASH + "\", \"revoked\": \"yes\"}]}")))
                .hasMessageContaining("keys.json:2")
                .hasMessageContaining("revoked must be true or false");
    }

    @Test
    void load_anUnknownField_namesFileLineAndTheNearestField() throws Exception {
        Path f = file("{\"keys\": [\n {\"id\": \"a\",\n  \"sha256\": \"" + HASH + "\",\n  \"concurency\": 2}]}");
        assertThatThrownBy(() -> GatewayKeys.load(f))
                .hasMessageContaining("keys.json:4")
                .hasMessageContaining("concurency")
                .hasMessageContaining("did you mean 'concurrency'");
    }

    @Test
    void load_aMalformedHash_aDuplicateIdOrANegativeLimit_isRefusedSayingWhatToDo() throws Exception {
        assertThatThrownBy(() -> GatewayKeys.load(file("{\"keys\": [{\"id\": \"a\", \"sha256\": \"keel-secret\"}]}")))
                .hasMessageContaining("64 lower-case hex")
                .hasMessageContaining("keel gateway key --id a");
        assertThatThrownBy(() -> GatewayKeys.load(file("{\"keys\": [{\"id\": \"a\", \"sha256\": \"" + HASH + "\"},\n"
                        + "{\"id\": \"a\", \"sha256\": \"" + "cd".repeat(32) + "\"}]}")))
                .hasMessageContaining("keys.json:2")
                .hasMessageContaining("already used");
        assertThatThrownBy(() -> GatewayKeys.load(
                        file("{\"keys\": [{\"id\": \"a\", \"sha256\": \"" + HASH + "\", \"concurrency\": -1}]}")))
                .hasMessageContaining("concurrency must be a whole number >= 0");
        assertThatThrownBy(() -> GatewayKeys.load(file("[]"))).hasMessageContaining("top-level \"keys\" array");
    }

    @Test
    void authenticate_findsTheKeyByTheSecretsHash_andRefusesUnknownRevokedAndMissing() {
        String secret = GatewayKeys.newSecret(new SecureRandom());
        String old = GatewayKeys.newSecret(new SecureRandom());
        var keys = GatewayKeys.of(List.of(
                new GatewayKey("live", GatewayKeys.sha256(secret), "t", "u", KeyLimits.NONE, false),
                new GatewayKey("old", GatewayKeys.sha256(old), "t", "u", KeyLimits.NONE, true)));
        assertThat(secret).startsWith("keel-").hasSize(5 + 43);
        assertThat(keys.authenticate("Bearer " + secret))
                .isInstanceOfSatisfying(
                        GatewayKeys.Auth.Ok.class,
                        ok -> assertThat(ok.key().id()).isEqualTo("live"));
        assertThat(keys.authenticate("bearer  " + secret)).isInstanceOf(GatewayKeys.Auth.Ok.class);
        assertThat(keys.authenticate("Bearer " + old))
                .isInstanceOfSatisfying(
                        GatewayKeys.Auth.Refused.class,
                        r -> assertThat(r.message()).contains("revoked"));
        assertThat(keys.authenticate(null)).isInstanceOf(GatewayKeys.Auth.Refused.class);
        assertThat(keys.authenticate("Bearer sk-proj-123"))
                .isInstanceOfSatisfying(
                        GatewayKeys.Auth.Refused.class,
                        r -> assertThat(r.message())
                                .contains("an OpenAI key is not a gateway key")
                                .doesNotContain("sk-proj-123"));
    }
}
