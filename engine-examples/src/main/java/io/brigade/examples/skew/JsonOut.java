package io.brigade.examples.skew;

import java.util.Locale;

/**
 * A minimal JSON writer for the report: objects, arrays, numbers, strings, booleans and null,
 * with the commas placed for the caller. Non-finite doubles are written as null.
 * <p>
 * Threading: single-threaded.
 */
final class JsonOut
{
    private final StringBuilder text = new StringBuilder();
    private boolean needsComma;

    JsonOut beginObject(final String name)
    {
        name(name);
        text.append('{');
        needsComma = false;

        return this;
    }

    JsonOut endObject()
    {
        text.append('}');
        needsComma = true;

        return this;
    }

    JsonOut beginArray(final String name)
    {
        name(name);
        text.append('[');
        needsComma = false;

        return this;
    }

    JsonOut endArray()
    {
        text.append(']');
        needsComma = true;

        return this;
    }

    JsonOut value(final String name, final long value)
    {
        name(name);
        text.append(value);
        needsComma = true;

        return this;
    }

    JsonOut value(final String name, final double value)
    {
        name(name);
        if (Double.isFinite(value))
        {
            text.append(String.format(Locale.ROOT, "%.6g", value));
        }
        else
        {
            text.append("null");
        }
        needsComma = true;

        return this;
    }

    JsonOut value(final String name, final boolean value)
    {
        name(name);
        text.append(value);
        needsComma = true;

        return this;
    }

    JsonOut value(final String name, final String value)
    {
        name(name);
        quote(value);
        needsComma = true;

        return this;
    }

    private void name(final String name)
    {
        if (needsComma)
        {
            text.append(',');
        }

        if (null != name)
        {
            quote(name);
            text.append(':');
        }
    }

    private void quote(final String value)
    {
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if ('"' == c || '\\' == c)
            {
                text.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                text.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                text.append(c);
            }
        }
        text.append('"');
    }

    @Override
    public String toString()
    {
        return text.toString();
    }
}
