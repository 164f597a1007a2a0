/**
 * The {@code skew} example: one stage whose tasks have skewed costs (by default 10% of them 20
 * times costlier), run with work stealing off (static round-robin assignment) and on, interleaved
 * in one process, and printed side by side: throughput, busy and idle time per worker, steal
 * success rate, and makespan against the ideal of total work divided by workers.
 * <p>
 * {@link io.brigade.examples.skew.SkewCommand} is the command, {@link io.brigade.examples.skew.SkewPlan}
 * the seeded, calibrated workload, {@link io.brigade.examples.skew.SkewRunner} one run of it, and
 * {@link io.brigade.examples.skew.SkewReport} the text and JSON output. engine-examples/SKEW.md
 * explains every field.
 */
package io.brigade.examples.skew;
