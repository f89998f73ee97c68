/**
 * The relational mail store: {@link dev.letterbox.store.sql.SqlMailStore} over JDBC, on SQLite
 * (embedded) or PostgreSQL (several nodes), the same queries on both (the {@code Dialect} names the
 * differences). {@code StoreFactory} opens the configured one; each engine's connection set-up is
 * its own class ({@code SqliteConnections}, {@code PostgresConnections}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>All of a process's writes go through one writer thread and one connection at a time
 *       ({@code GroupCommitWriter}), which commits queued units together: one transaction, a
 *       savepoint per unit after the first, one fsync. A unit's future completes only after COMMIT has returned
 *       (durable: SQLite synchronous=FULL, PostgreSQL synchronous_commit=on), and its changes are
 *       published after that. On PostgreSQL several nodes write at once: row locks order them, and
 *       a unit that loses a deadlock runs again alone.</li>
 *   <li>Reads use a small pool of read-only connections, each {@code read} one transaction.</li>
 *   <li>Nothing from the database is cached between transactions, so another process's writes
 *       (the CLI while the server runs, another node) count at once; their change announcements
 *       cross processes by the {@code change_log} table (SQLite) or NOTIFY (PostgreSQL). Two
 *       exceptions: the mailbox indexes, which those announcements keep exact, and what never
 *       changes, a blob's structure and small body by blob id ({@code BlobCache}).</li>
 *   <li>Every query of account data names the account; a mailbox id of another account is
 *       NONEXISTENT.</li>
 *   <li>A mailbox's HIGHESTMODSEQ rises by one per unit that changes its messages; UIDVALIDITY
 *       values come from one counter and are never handed out twice; UIDNEXT only grows.</li>
 *   <li>{@code account.used_bytes} equals the sum of the sizes of the account's messages after
 *       every unit.</li>
 *   <li>A {@code blob} row exists exactly while a message or a queued message refers to the blob; a big
 *       blob's bytes (its file, or its {@code blob_chunk} rows) are deleted after the commit that
 *       removed the row, or by the recovery sweep at start after a crash.</li>
 *   <li>A big blob's chunks ({@code blobs = "database"}) are each committed before its writer's
 *       {@code commit()} returns, on a read-pool connection, never by the writer thread.</li>
 *   <li>Every SQLite connection runs with WAL and synchronous=FULL, every PostgreSQL one with
 *       synchronous_commit=on: a returned COMMIT is on disk.</li>
 *   <li>Times several nodes compare (leases, locks) are written in the database's clock
 *       ({@code DatabaseClock}); UIDs and MODSEQs never depend on a clock.</li>
 *   <li>Schema changes are numbered migration scripts under {@code migration/}, applied at open;
 *       a database newer than the code is refused.</li>
 *   <li>{@code StoreMigration} (migrate-store) learns tables, columns, keys and foreign keys from the
 *       two databases, not from a list: a table a later script adds is copied and verified too, and
 *       it must have a primary key (the copy's order and its resume point).</li>
 * </ul>
 */
package dev.letterbox.store.sql;
