package io.brigade.examples;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes a tree of maps, lists and plain values as indented JSON, for the examples' {@code --json}
 * reports.
 * <p>
 * Accepted values: {@link Map} with {@link String} keys (written in the map's iteration order, so
 * use a {@link java.util.LinkedHashMap} for a stable layout), {@link List}, {@link String},
 * {@link Boolean}, {@code null}, and the numbers {@link Integer}, {@link Long}, {@link BigInteger}
 * and {@link BigDecimal} (written exactly, in plain notation). Floating-point numbers are refused:
 * the reports round them on purpose before writing.
 * <p>
 * <b>Note:</b> not for hot paths; it builds a string.
 */
public final class JsonWriter
{
    private static final String INDENT = "  ";

    private JsonWriter()
    {
    }

    /**
     * Writes a value and everything under it.
     *
     * @param value the root, usually a map.
     * @return the JSON text, without a trailing newline.
     * @throws IllegalArgumentException for a value of a type it does not write.
     */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder(1024);
        writeValue(out, value, 0);

        return out.toString();
    }

    private static void writeValue(final StringBuilder out, final Object value, final int depth)
    {
        if (null == value)
        {
            out.append("null");
        }
        else if (value instanceof Map<?, ?> map)
        {
            writeMap(out, map, depth);
        }
        else if (value instanceof List<?> list)
        {
            writeList(out, list, depth);
        }
        else if (value instanceof String text)
        {
            writeString(out, text);
        }
        else if (value instanceof Boolean || value instanceof Integer || value instanceof Long ||
            value instanceof BigInteger)
        {
            out.append(value);
        }
        else if (value instanceof BigDecimal decimal)
        {
            out.append(decimal.toPlainString());
        }
        else
        {
            throw new IllegalArgumentException(
                "cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeMap(final StringBuilder out, final Map<?, ?> map, final int depth)
    {
        if (map.isEmpty())
        {
            out.append("{}");
            return;
        }

        out.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            if (!(entry.getKey() instanceof String key))
            {
                throw new IllegalArgumentException(
                    "JSON object keys must be strings, was " + entry.getKey());
            }

            out.append(first ? "\n" : ",\n");
            indent(out, depth + 1);
            writeString(out, key);
            out.append(": ");
            writeValue(out, entry.getValue(), depth + 1);
            first = false;
        }

        out.append('\n');
        indent(out, depth);
        out.append('}');
    }

    private static void writeList(final StringBuilder out, final List<?> list, final int depth)
    {
        if (list.isEmpty())
        {
            out.append("[]");
            return;
        }

        out.append('[');
        for (int i = 0; i < list.size(); i++)
        {
            out.append(0 == i ? "\n" : ",\n");
            indent(out, depth + 1);
            writeValue(out, list.get(i), depth + 1);
        }

        out.append('\n');
        indent(out, depth);
        out.append(']');
    }

    private static void writeString(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }

        out.append('"');
    }

    private static void indent(final StringBuilder out, final int depth)
    {
        for (int i = 0; i < depth; i++)
        {
            out.append(INDENT);
        }
    }
}
