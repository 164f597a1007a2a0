package io.brigade.balance;

/**
 * Picks the worker that receives the next task entering a stage.
 * <p>
 * The engine creates one balancer per producer of a stage (each upstream worker gets its own), so
 * an implementation may keep plain, unsynchronised state. The one instance serving external
 * {@code submit} calls into the first stage can be called by several threads at once; built-in
 * balancers tolerate that (a lost update only skews the rotation), and custom ones must too.
 * <p>
 * <b>Note:</b> this runs on the hot path: it must not block, allocate or throw. A returned index
 * outside {@code [0, workers)} is wrapped into range.
 */
@FunctionalInterface
public interface Balancer
{
    /**
     * Chooses a worker.
     *
     * @param key  the task's key from the stage's key function, or its task id when the stage has
     *             none.
     * @param load the stage's live load, for strategies that look at it.
     * @return the index of the chosen worker.
     */
    int select(long key, LoadView load);
}
