/**
 * The official openai-java SDK on keel's pipeline: {@link dev.keel.openai.KeelOpenAI} builds an
 * {@code OpenAIClient} whose transport is {@link dev.keel.openai.KeelHttpClient}, so every typed SDK
 * call gets keel's deadline, in-flight limit, one retry layer with its budget, circuit breaker,
 * idempotency, metrics, error budget and cost meter; {@link dev.keel.openai.KeelCall} gives one SDK
 * call its keel options as request headers that keel consumes before the wire.
 */
package dev.keel.openai;
