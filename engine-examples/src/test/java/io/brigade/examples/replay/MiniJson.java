package io.brigade.examples.replay;

import io.brigade.examples.JsonWriter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for tests: objects become {@link LinkedHashMap}s, arrays
 * {@link ArrayList}s, numbers {@link BigDecimal}s. Independent of {@link JsonWriter}, so a test can
 * check what the writer wrote.
 */
final class MiniJson
{
    private final String text;
    private int position;

    private MiniJson(final String text)
    {
        this.text = text;
    }

    /**
     * Reads exactly one JSON value, with only whitespace around it.
     *
     * @param text the JSON text.
     * @return the value.
     * @throws IllegalArgumentException where the text is not JSON.
     */
    static Object parse(final String text)
    {
        final MiniJson reader = new MiniJson(text);
        final Object value = reader.value();
        reader.skipWhitespace();
        if (reader.position != text.length())
        {
            throw reader.error("text after the value");
        }

        return value;
    }

    private Object value()
    {
        skipWhitespace();
        if (position >= text.length())
        {
            throw error("end of text");
        }

        final char c = text.charAt(position);
        if ('{' == c)
        {
            return object();
        }

        if ('[' == c)
        {
            return array();
        }

        if ('"' == c)
        {
            return string();
        }

        for (final String word : new String[] {"true", "false", "null"})
        {
            if (text.startsWith(word, position))
            {
                position += word.length();
                return "null".equals(word) ? null : Boolean.valueOf(word);
            }
        }

        return number();
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek('}'))
        {
            return map;
        }

        do
        {
            skipWhitespace();
            final String key = string();
            if (map.containsKey(key))
            {
                throw error("duplicate key " + key);
            }

            skipWhitespace();
            expect(':');
            map.put(key, value());
            skipWhitespace();
        }
        while (peek(','));
        expect('}');

        return map;
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek(']'))
        {
            return list;
        }

        do
        {
            list.add(value());
            skipWhitespace();
        }
        while (peek(','));
        expect(']');

        return list;
    }

    private String string()
    {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            if (position >= text.length())
            {
                throw error("unterminated string");
            }

            final char c = text.charAt(position++);
            if ('"' == c)
            {
                return out.toString();
            }

            if ('\\' != c)
            {
                out.append(c);
                continue;
            }

            final char escaped = text.charAt(position++);
            switch (escaped)
            {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' ->
                {
                    out.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                }
                default -> out.append(escaped);
            }
        }
    }

    private BigDecimal number()
    {
        final int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0)
        {
            position++;
        }

        try
        {
            return new BigDecimal(text.substring(start, position));
        }
        catch (final NumberFormatException ex)
        {
            throw error("not a value");
        }
    }

    private boolean peek(final char c)
    {
        if (position < text.length() && text.charAt(position) == c)
        {
            position++;
            return true;
        }

        return false;
    }

    private void expect(final char c)
    {
        if (!peek(c))
        {
            throw error("expected '" + c + "'");
        }
    }

    private void skipWhitespace()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
    }

    private IllegalArgumentException error(final String problem)
    {
        return new IllegalArgumentException(problem + " at offset " + position);
    }
}
