package dev.keel.cli;

import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * How keel's commands hand finished spans to an exporter, in one place so that {@code bench client
 * --with-tracing} measures exactly what the commands run: a {@link BatchSpanProcessor} with the
 * SDK's settings (export batches of up to {@value #BATCH} spans, a queue of 2,048, a 5 s schedule).
 * Batches of 64 were measured side by side and did not lower the traced calls' p99
 * (docs/benchmarks.md, "client with tracing").
 */
public final class SpanExport {

    /** Spans per export batch: the SDK's default. */
    public static final int BATCH = 512;

    private SpanExport() {}

    /** The batch processor keel's commands use for {@code exporter}. */
    public static SpanProcessor processor(SpanExporter exporter) {
        return BatchSpanProcessor.builder(exporter).setMaxExportBatchSize(BATCH).build();
    }
}
