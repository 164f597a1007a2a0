/**
 * Runnable examples of the Brigade engine, shipped as one shaded jar whose entry point is
 * {@link io.brigade.examples.Main}; each example is a subcommand in a sub-package of its own.
 */
package io.brigade.examples;
