/**
 * What a running pipeline reports about itself.
 * <p>
 * Live counters ({@link io.brigade.metrics.WorkerCounter}) sit in an Agrona counters buffer that
 * any thread can read at any time. Snapshots ({@link io.brigade.metrics.PipelineMetrics} and its
 * parts) add accounting and latency percentiles taken from HdrHistogram histograms that each
 * worker writes without locks and the pipeline swaps out as intervals.
 */
package io.brigade.metrics;
