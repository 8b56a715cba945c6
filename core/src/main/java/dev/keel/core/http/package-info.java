/**
 * The transport: Jetty 12's HTTP client with HTTP/2, one pool per destination, per-attempt phase
 * timings ({@link dev.keel.core.http.PhaseTimings}) and a server-sent-events reader. It runs one
 * attempt; every policy lives above it in the pipeline.
 */
package dev.keel.core.http;
