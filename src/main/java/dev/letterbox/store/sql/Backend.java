package dev.letterbox.store.sql;

import dev.letterbox.store.LocalChangeBus;

/**
 * What one database engine brings to the store: its dialect, where the writer's and the readers'
 * sessions come from, and how changes committed by other processes or nodes reach this one.
 * {@link SqliteConnections} and {@link PostgresConnections} are the two.
 */
interface Backend {
    Dialect dialect();

    /** The writer's session (one at a time: the store has one writer thread per process). */
    SessionSource writer();

    SessionSource readers();

    /**
     * Starts announcing on {@code bus} the changes other processes or nodes commit, telling
     * {@code indexes} first (their in-memory indexes must re-read those mailboxes).
     */
    AutoCloseable startFeed(ReadPool reads, LocalChangeBus bus, MailboxIndexes indexes, String node);

    /**
     * Forces to disk what the writer committed without waiting for a fsync (see GroupCommitWriter);
     * nothing where the engine does so itself within a bounded time (PostgreSQL's WAL writer).
     */
    default void flushUnsyncedCommits() throws java.io.IOException {}

    /** Closes what the backend opened besides the two sources (the store closes those). */
    default void close() {}
}
