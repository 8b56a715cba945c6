package dev.keel.gateway;

import java.util.Objects;

/**
 * One client key of the gateway as it is stored: an id to show in logs and metrics, the SHA-256 of
 * the secret (never the secret), who it belongs to, and its limits. Immutable.
 *
 * @param id a short public name ({@code team-a-ci}); the metric and log label
 * @param sha256 the lower-case hex SHA-256 of the secret ({@code keel-…})
 * @param revoked a revoked key is refused like an unknown one, with its own message
 */
public record GatewayKey(String id, String sha256, String team, String user, KeyLimits limits, boolean revoked) {

    public GatewayKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(limits, "limits");
        team = team == null ? "" : team;
        user = user == null ? "" : user;
    }

    @Override
    public String toString() {
        return "GatewayKey[id=" + id + ", team=" + team + ", user=" + user + ", revoked=" + revoked + "]";
    }
}
