package dev.keel.realtime.session;

/**
 * What a recovery does (recipe A3, RT-09), chosen by the failure's reason:
 *
 * <pre>
 * reason                          rebuildPeer  reissueToken  replaySummary
 * ice_failed, network_switch      true         false         true
 * token_expired, auth_failed      true         true          true
 * anything else                   true         true          false
 * </pre>
 *
 * Immutable.
 */
public record RecoveryPlan(boolean rebuildPeer, boolean reissueToken, boolean replaySummary) {

    public static final String ICE_FAILED = "ice_failed";
    public static final String NETWORK_SWITCH = "network_switch";
    public static final String TOKEN_EXPIRED = "token_expired";
    public static final String AUTH_FAILED = "auth_failed";

    /** The plan for the planned reconnect before the 60-minute session limit: new token, summary. */
    public static final RecoveryPlan PLANNED = new RecoveryPlan(true, true, true);

    /** The RT-09 table. */
    public static RecoveryPlan forReason(String reason) {
        return switch (reason == null ? "" : reason) {
            case ICE_FAILED, NETWORK_SWITCH -> new RecoveryPlan(true, false, true);
            case TOKEN_EXPIRED, AUTH_FAILED -> new RecoveryPlan(true, true, true);
            default -> new RecoveryPlan(true, true, false);
        };
    }

    /** Whether the reason is a transport-layer blip (counted as {@code ice_restart_total}). */
    public static boolean isTransport(String reason) {
        return ICE_FAILED.equals(reason) || NETWORK_SWITCH.equals(reason);
    }
}
