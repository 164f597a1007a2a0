package io.brigade.examples.replay;

import java.util.Objects;

/**
 * Settings of one replay. Fluent: {@code foo()} reads a setting, {@code foo(value)} sets it and
 * returns this. Every setting starts at its default; the engine checks worker counts and ring size
 * when the pipeline is built.
 */
public final class ReplayOptions
{
    /** Default workers of the parse stage. */
    public static final int PARSE_WORKERS_DEFAULT = 2;

    /** Default workers of the validate stage. */
    public static final int VALIDATE_WORKERS_DEFAULT = 2;

    /** Default workers of the book stage; with one symbol, one key, more only take turns. */
    public static final int BOOK_WORKERS_DEFAULT = 1;

    /** Default workers of the report stage. */
    public static final int REPORT_WORKERS_DEFAULT = 2;

    /** Default slots in each worker's ring, a power of two. */
    public static final int RING_SIZE_DEFAULT = 1024;

    /** Default number of malformed lines, and of other failures, listed in the report. */
    public static final int SAMPLES_DEFAULT = 10;

    private ReplayInput input = ReplayInput.bundled();
    private int parseWorkers = PARSE_WORKERS_DEFAULT;
    private int validateWorkers = VALIDATE_WORKERS_DEFAULT;
    private int bookWorkers = BOOK_WORKERS_DEFAULT;
    private int reportWorkers = REPORT_WORKERS_DEFAULT;
    private int ringSize = RING_SIZE_DEFAULT;
    private int samples = SAMPLES_DEFAULT;

    /**
     * The input to read.
     *
     * @return the input; the bundled sample by default.
     */
    public ReplayInput input()
    {
        return input;
    }

    /**
     * Sets the input to read.
     *
     * @param input the input.
     * @return this.
     */
    public ReplayOptions input(final ReplayInput input)
    {
        this.input = Objects.requireNonNull(input, "input");
        return this;
    }

    /**
     * Workers of the parse stage.
     *
     * @return the count.
     */
    public int parseWorkers()
    {
        return parseWorkers;
    }

    /**
     * Sets the workers of the parse stage.
     *
     * @param parseWorkers at least 1.
     * @return this.
     */
    public ReplayOptions parseWorkers(final int parseWorkers)
    {
        this.parseWorkers = parseWorkers;
        return this;
    }

    /**
     * Workers of the validate stage.
     *
     * @return the count.
     */
    public int validateWorkers()
    {
        return validateWorkers;
    }

    /**
     * Sets the workers of the validate stage.
     *
     * @param validateWorkers at least 1.
     * @return this.
     */
    public ReplayOptions validateWorkers(final int validateWorkers)
    {
        this.validateWorkers = validateWorkers;
        return this;
    }

    /**
     * Workers of the book stage.
     *
     * @return the count.
     */
    public int bookWorkers()
    {
        return bookWorkers;
    }

    /**
     * Sets the workers of the book stage.
     *
     * @param bookWorkers at least 1.
     * @return this.
     */
    public ReplayOptions bookWorkers(final int bookWorkers)
    {
        this.bookWorkers = bookWorkers;
        return this;
    }

    /**
     * Workers of the report stage.
     *
     * @return the count.
     */
    public int reportWorkers()
    {
        return reportWorkers;
    }

    /**
     * Sets the workers of the report stage.
     *
     * @param reportWorkers at least 1.
     * @return this.
     */
    public ReplayOptions reportWorkers(final int reportWorkers)
    {
        this.reportWorkers = reportWorkers;
        return this;
    }

    /**
     * Slots in each worker's ring.
     *
     * @return the size.
     */
    public int ringSize()
    {
        return ringSize;
    }

    /**
     * Sets the slots in each worker's ring.
     *
     * @param ringSize a power of two, at least 2.
     * @return this.
     */
    public ReplayOptions ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    /**
     * How many malformed lines, and other failures, the report lists.
     *
     * @return the count.
     */
    public int samples()
    {
        return samples;
    }

    /**
     * Sets how many malformed lines, and other failures, the report lists: those with the lowest
     * line numbers. Counts always cover them all.
     *
     * @param samples zero or more.
     * @return this.
     */
    public ReplayOptions samples(final int samples)
    {
        if (samples < 0)
        {
            throw new IllegalArgumentException("samples must not be negative, was " + samples);
        }

        this.samples = samples;
        return this;
    }
}
