package io.brigade.examples.replay;

/**
 * The event types of a LOBSTER message file, with the code the file uses and the name the reports
 * use.
 */
public enum EventType
{
    /** Code 1: a new limit order rests in the book. */
    SUBMIT(1, "submit"),

    /** Code 2: part of a resting order is cancelled. */
    CANCEL(2, "cancel"),

    /** Code 3: a resting order is deleted. */
    DELETE(3, "delete"),

    /** Code 4: a visible resting order trades, fully or in part. */
    EXECUTE(4, "execute"),

    /** Code 5: hidden volume trades; the visible book does not change. */
    HIDDEN_EXECUTE(5, "hiddenExecute"),

    /** Code 7: trading halt, quoting resumed or trading resumed, told apart by the price field. */
    HALT(7, "halt");

    private static final EventType[] BY_CODE = new EventType[8];

    static
    {
        for (final EventType type : values())
        {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final String label;

    EventType(final int code, final String label)
    {
        this.code = code;
        this.label = label;
    }

    /**
     * The type a file's code stands for.
     *
     * @param code the second field of a message line.
     * @return the type, or null for a code the format does not define.
     */
    public static EventType ofCode(final long code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int)code] : null;
    }

    /**
     * The code in the file.
     *
     * @return 1, 2, 3, 4, 5 or 7.
     */
    public int code()
    {
        return code;
    }

    /**
     * The name used in the reports and their JSON keys.
     *
     * @return a camel-case name.
     */
    public String label()
    {
        return label;
    }

    /**
     * Whether a message of this type names a resting order that the book looks up.
     *
     * @return true for cancel, delete, execute and hidden execute.
     */
    public boolean namesOrder()
    {
        return this == CANCEL || this == DELETE || this == EXECUTE || this == HIDDEN_EXECUTE;
    }

    /**
     * Whether a message of this type is a trade.
     *
     * @return true for execute and hidden execute.
     */
    public boolean isTrade()
    {
        return this == EXECUTE || this == HIDDEN_EXECUTE;
    }
}
