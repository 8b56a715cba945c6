/**
 * keel's benchmarks, run by hand with {@code bin/keel bench NAME} and never by the tests: each
 * benchmark is its own class, {@link dev.keel.bench.Main} dispatches to one by name.
 */
package dev.keel.bench;
