/**
 * Assembles a running server from a {@link dev.letterbox.config.Config}: store, directory, TLS,
 * listeners and protocol services; and tears it down in the reverse order.
 *
 * <p>Invariants: nothing here is static or global, so tests can run several servers in one JVM;
 * on shutdown listeners stop first, sessions get a grace period, the store closes last.
 */
package dev.letterbox.server;
