/**
 * The {@code replay} example: a LOBSTER message file replayed through a four-stage pipeline
 * (parse, validate, book, report) that rebuilds the order book and reports what the book and the
 * engine did.
 * <p>
 * Programmatic use: {@link io.brigade.examples.replay.Replay#run} with
 * {@link io.brigade.examples.replay.ReplayOptions} returns a
 * {@link io.brigade.examples.replay.ReplayReport}; {@link io.brigade.examples.replay.ReplayCommand}
 * is the command-line face that prints it as text or JSON.
 */
package io.brigade.examples.replay;
