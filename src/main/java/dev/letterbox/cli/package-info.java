/**
 * The {@code letterbox} command line (picocli): argument parsing and output only; every action is a
 * call into the services ({@link dev.letterbox.auth.Directory}, {@link dev.letterbox.delivery.LocalDelivery},
 * {@link dev.letterbox.server.LetterboxServer}).
 *
 * <p>Invariants: errors are one line on stderr and a non-zero exit code; commands open the data dir
 * the running server uses and their changes take effect there at once (no caches to restart);
 * {@code migrate-store} alone refuses to run while the server runs.
 */
package dev.letterbox.cli;
