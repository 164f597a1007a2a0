package io.brigade.examples.skew;

/**
 * One task of the skew experiment: a position in submission order and an amount of work. The
 * processor writes the result of the work into the task, which keeps the work live.
 * <p>
 * Threading: written by the one worker that runs it, read after the pipeline has closed.
 */
public final class SkewTask
{
    private final int index;
    private final long units;
    private long result;

    /**
     * Creates a task.
     *
     * @param index position in submission order; also seeds the work.
     * @param units work units to burn.
     */
    public SkewTask(final int index, final long units)
    {
        this.index = index;
        this.units = units;
    }

    /**
     * Position in submission order.
     *
     * @return the index.
     */
    public int index()
    {
        return index;
    }

    /**
     * Work units this task carries.
     *
     * @return the units.
     */
    public long units()
    {
        return units;
    }

    /**
     * Result of the work, zero until the task has run.
     *
     * @return the final generator state.
     */
    public long result()
    {
        return result;
    }

    void run()
    {
        result = SpinWork.burn(units, index);
    }
}
