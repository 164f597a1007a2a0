/**
 * Brigade: multi-stage task pipelines on LMAX Disruptor rings, with work stealing inside each
 * stage.
 * <p>
 * A {@link io.brigade.Pipeline} is an ordered list of named stages, built with a
 * {@link io.brigade.PipelineBuilder}. Each stage runs a {@link io.brigade.Processor} on W workers;
 * each worker is a thread that owns a Disruptor ring of preallocated slots and loops under an
 * Agrona idle strategy. A per-stage balancer ({@link io.brigade.balance}) picks the worker for each
 * task entering the stage.
 * <p>
 * <b>Stealing.</b> A worker with nothing to do polls its stage's JCTools MPMC steal queue, then
 * claims tasks straight from the head of a sibling's ring; a worker whose ring is deep, or whose
 * siblings are idle, sheds its oldest waiting tasks into the steal queue. Rings are consumed by
 * compare-and-set on their head, so a sibling can take tasks queued behind a worker that is stuck
 * inside a long task.
 * <p>
 * <b>Order.</b> Each stage declares a {@link io.brigade.StageOrder}: UNORDERED stages steal freely;
 * ORDERED stages put their output back in input order through a bounded reorder window; KEYED
 * stages run the tasks of one key one at a time, in order, even when stolen.
 * <p>
 * <b>Failures.</b> What a processor throws stays with its task: it is retried up to a limit, then
 * reported to the {@link io.brigade.TaskErrorHandler} with stage, worker, cause and attempts, and
 * every other task keeps flowing.
 * <p>
 * <b>Allocation.</b> In steady state the engine allocates nothing per task: tasks move by field
 * copies between preallocated ring slots, steal carriers and window slots, each cleared as the task
 * leaves it.
 * <p>
 * <b>Configuration.</b> Every setting has an {@code engine.*} system property and a builder
 * method; see {@link io.brigade.EngineConfiguration}.
 */
package io.brigade;
