/**
 * Ephemeral Realtime tokens: the token endpoint's logic ({@link dev.keel.realtime.token.TokenService}:
 * auth, per-user rate limit, 60–300 s lifetime, upstream through keel's pipeline) and the {@link
 * dev.keel.realtime.token.TokenBroker} that keeps a server-side session's token fresh.
 */
package dev.keel.realtime.token;
