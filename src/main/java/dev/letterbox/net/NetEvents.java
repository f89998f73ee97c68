package dev.letterbox.net;

/**
 * What a {@link NetServer} tells an observer (the server's metrics) about its connections. Called
 * on accept and session threads: implementations must be quick, thread-safe and never throw.
 * {@code listener} is always a configured listener name, never client input.
 */
public interface NetEvents {
    /** Ignores every event. */
    NetEvents NONE = new NetEvents() {};

    /** A connection was admitted and its session is starting. */
    default void connectionOpened(String listener) {}

    /** An admitted connection has closed (every opened connection closes exactly once). */
    default void connectionClosed(String listener) {}

    /** A connection was accepted and at once closed because its address had too many already. */
    default void connectionRefused(String listener) {}

    /** A TLS handshake finished (implicit TLS or STARTTLS), successfully or not. */
    default void tlsHandshake(String listener, boolean ok) {}
}
