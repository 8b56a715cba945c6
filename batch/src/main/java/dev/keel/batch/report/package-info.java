/** Report: exports (results, failed, manual) and the run report with cost, savings, latency and the alert. */
package dev.keel.batch.report;
