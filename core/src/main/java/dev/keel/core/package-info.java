/**
 * keel's client: {@link dev.keel.core.KeelClient} built from a {@link dev.keel.core.KeelClientConfig},
 * per-call {@link dev.keel.core.CallOptions}, and the timeout-chain check {@link
 * dev.keel.core.TimeoutChain}.
 */
package dev.keel.core;
