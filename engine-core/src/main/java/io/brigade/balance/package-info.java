/**
 * How a stage chooses the worker for each task it receives.
 * <p>
 * A {@link io.brigade.balance.Balancer} runs on the hot path and reads a
 * {@link io.brigade.balance.LoadView} of the stage. {@link io.brigade.balance.Balance} lists the
 * built-in strategies: round-robin, weighted round-robin, least-loaded and key-affinity. Weighted
 * round-robin reads a schedule that the engine's control agent rebuilds every balancer period from
 * each worker's service-time percentile and backlog, with {@link io.brigade.balance.Weights}; the
 * hot path itself never computes weights and never allocates.
 * <p>
 * Balancing is the first line against uneven load; work stealing is the second, for what a
 * balancer could not foresee (a slow task, a skewed key).
 */
package io.brigade.balance;
