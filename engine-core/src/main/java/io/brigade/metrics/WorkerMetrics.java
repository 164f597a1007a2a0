package io.brigade.metrics;

/**
 * One worker's counters at the moment of a snapshot.
 *
 * @param worker         index of the worker in its stage.
 * @param processed      tasks run to success.
 * @param failed         tasks failed after their last attempt.
 * @param retries        attempts repeated after a failure.
 * @param completed      tasks handed to the completion handler (last stage only).
 * @param stealAttempts  tries to take a task that looked available (see
 *                       {@link WorkerCounter#STEAL_ATTEMPTS}).
 * @param stealSuccesses tries that got a task.
 * @param tasksStolen    tasks run that came from the steal queue or a sibling.
 * @param tasksShed      tasks moved from this worker's ring into the steal queue.
 * @param siblingClaims  tasks claimed from siblings' rings.
 * @param backpressureWaits times forwarding found the next stage full.
 * @param busyNs         nanoseconds inside the processor.
 * @param backlog        tasks waiting in this worker's ring.
 */
public record WorkerMetrics(
    int worker,
    long processed,
    long failed,
    long retries,
    long completed,
    long stealAttempts,
    long stealSuccesses,
    long tasksStolen,
    long tasksShed,
    long siblingClaims,
    long backpressureWaits,
    long busyNs,
    long backlog)
{
}
