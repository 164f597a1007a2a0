package io.brigade.examples.replay;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Where a replay reads its messages: the bundled sample, or a file. Either may be plain text or
 * gzip; gzip is recognised by its first two bytes, whatever the name says.
 */
public final class ReplayInput
{
    /** Classpath resource of the bundled sample: an hour of AAPL on 2012-06-21, 91,997 messages. */
    public static final String BUNDLED_RESOURCE =
        "lobster/AAPL_2012-06-21_34200000_37800000_message_50.csv.gz";

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path path;
    private final String name;

    private ReplayInput(final Path path, final String name)
    {
        this.path = path;
        this.name = name;
    }

    /**
     * The sample bundled in the examples jar.
     *
     * @return the input.
     */
    public static ReplayInput bundled()
    {
        return new ReplayInput(null, "bundled:" + BUNDLED_RESOURCE);
    }

    /**
     * A file, plain or gzipped.
     *
     * @param path the file.
     * @return the input; nothing is opened yet.
     */
    public static ReplayInput file(final Path path)
    {
        Objects.requireNonNull(path, "path");
        return new ReplayInput(path, path.toString());
    }

    /**
     * Names the input in reports and messages.
     *
     * @return the path as given, or {@code bundled:} and the resource name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The ticker, by LOBSTER's naming convention {@code TICKER_date_start_end_message_levels.csv}:
     * the file name up to its first underscore, or up to its first dot when it has none.
     *
     * @return the ticker in upper case, or {@code UNKNOWN} when the name yields nothing.
     */
    public String symbol()
    {
        final String fileName = null == path ?
            BUNDLED_RESOURCE.substring(BUNDLED_RESOURCE.lastIndexOf('/') + 1) :
            String.valueOf(path.getFileName());
        int end = fileName.indexOf('_');
        if (end < 0)
        {
            end = fileName.indexOf('.');
        }

        final String symbol = end < 0 ? fileName : fileName.substring(0, end);

        return symbol.isBlank() ? "UNKNOWN" : symbol.toUpperCase(Locale.ROOT);
    }

    /**
     * Opens the input for reading lines, unzipping it when it starts with the gzip magic bytes.
     * Bytes that are not UTF-8 are replaced, so they make their line malformed rather than fail
     * the read.
     *
     * @return a reader the caller closes.
     * @throws IOException when the input cannot be opened or its first bytes cannot be read.
     */
    BufferedReader open() throws IOException
    {
        final InputStream raw = null == path ? openBundled() : Files.newInputStream(path);
        try
        {
            final BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER_BYTES);
            buffered.mark(2);
            final int first = buffered.read();
            final int second = buffered.read();
            buffered.reset();

            final InputStream content = GZIP_MAGIC_0 == first && GZIP_MAGIC_1 == second ?
                new GZIPInputStream(buffered, BUFFER_BYTES) : buffered;

            return new BufferedReader(
                new InputStreamReader(content, StandardCharsets.UTF_8), BUFFER_BYTES);
        }
        catch (final IOException | RuntimeException ex)
        {
            raw.close();
            throw ex;
        }
    }

    private static InputStream openBundled() throws IOException
    {
        final InputStream stream =
            ReplayInput.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE);
        if (null == stream)
        {
            throw new IOException("the bundled sample is missing from the classpath");
        }

        return stream;
    }

    public String toString()
    {
        return name;
    }
}
