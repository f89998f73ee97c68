package dev.letterbox.store.sql;

import dev.letterbox.store.Change;

import java.util.List;

/**
 * The {@code change_log} table (SQLite): every committed unit that changed something leaves one row per
 * change, tagged with the node (process) that wrote it, so other processes can announce it too; on
 * PostgreSQL a NOTIFY per change does the same (see NotificationFeed).
 * Rows carry no data, like {@link Change} itself; they are pruned after {@link #RETENTION_MILLIS}.
 */
final class ChangeLog {
    static final long RETENTION_MILLIS = 10 * 60 * 1000;
    /** The PostgreSQL NOTIFY channel that carries changes between nodes (see NotificationFeed). */
    static final String CHANNEL = "letterbox_change";

    /** A row read back: the change and who wrote it. */
    record Entry(long seq, String node, Change change) {}

    private ChangeLog() {}

    /** Rows one INSERT writes at most (SQLite allows 32,766 parameters a statement). */
    private static final int ROWS_PER_INSERT = 200;

    /**
     * SQLite: makes a group's changes known to the other processes once it commits, a row each for
     * their pollers, written by as few statements as possible just before the COMMIT (PostgreSQL
     * sends notifications instead, by {@link #announceAndCommit}). Only the changes of units that succeeded
     * belong here.
     */
    static void record(SqlSession db, String node, java.util.Collection<Change> changes, long now) {
        List<Change> all = List.copyOf(changes);
        for (int from = 0; from < all.size(); from += ROWS_PER_INSERT) {
            List<Change> rows = all.subList(from, Math.min(all.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder("INSERT INTO change_log (node, account_id, mailbox_id, kind, created) VALUES ");
            Object[] args = new Object[rows.size() * 5];
            int a = 0;
            for (Change change : rows) {
                if (a > 0) sql.append(", ");
                sql.append("(?, ?, ?, ?, ?)");
                long mailboxId = mailboxIdOf(change);
                args[a++] = node;
                args[a++] = change.accountId();
                args[a++] = mailboxId == 0 ? SqlSession.Null.BIGINT : (Object) mailboxId;
                args[a++] = kind(change);
                args[a++] = now;
            }
            db.update(sql.toString(), args);
        }
    }

    /**
     * PostgreSQL: commits the writer's transaction, sending first one NOTIFY per change on
     * {@link #CHANNEL} (delivered only if the transaction commits) and, for an {@code unsynced}
     * group, turning {@code synchronous_commit} off for this transaction: all of it in one round trip
     * (the driver sends the statements together and reads their answers together), where a
     * statement each paid one. Only the changes of units that succeeded belong here.
     */
    static void announceAndCommit(SqlSession db, String node, java.util.Collection<Change> changes, boolean synced) {
        if (changes.isEmpty() && synced) {
            db.commit(Dialect.POSTGRESQL);
            return;
        }
        String sql = (synced ? "" : "SELECT set_config('synchronous_commit', 'off', true); ")
                + (changes.isEmpty() ? "" : "SELECT pg_notify(?, p) FROM unnest(?) AS p; ")
                + "COMMIT";
        Object[] args = new Object[0];
        if (!changes.isEmpty()) {
            String[] payloads = new String[changes.size()];
            int i = 0;
            for (Change change : changes) payloads[i++] = payload(node, change);
            args = new Object[] {CHANNEL, payloads};
        }
        db.executeAll(sql, args);
        db.commit(Dialect.POSTGRESQL); // the transaction has ended: this only hands the connection back to autocommit
    }

    /** {@code node kind account mailbox}: a node id has no spaces, the rest are a word and numbers. */
    static String payload(String node, Change change) {
        return node + " " + kind(change) + " " + change.accountId() + " " + mailboxIdOf(change);
    }

    /** The mailbox a change is about, 0 for none (or, for metadata, the server's entries). */
    private static long mailboxIdOf(Change change) {
        return switch (change) {
            case Change.MailboxContent c -> c.mailboxId();
            case Change.Metadata m -> m.mailboxId();
            default -> 0;
        };
    }

    /** The change a payload describes; empty for one this code cannot read. */
    static java.util.Optional<Entry> fromPayload(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 4) return java.util.Optional.empty();
        try {
            return java.util.Optional.of(new Entry(0, parts[0],
                    change(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]))));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    static long lastSeq(SqlSession db) {
        return db.firstLong("SELECT max(seq) FROM change_log").orElse(0);
    }

    static List<Entry> after(SqlSession db, long seq, int limit) {
        return db.list("SELECT seq, node, account_id, mailbox_id, kind FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
                rs -> new Entry(rs.getLong(1), rs.getString(2),
                        change(rs.getString(5), rs.getLong(3), rs.getLong(4))),
                seq, limit);
    }

    /**
     * Deletes the rows older than {@link #RETENTION_MILLIS}: those before the first young one, found
     * from the oldest on (rows come in seq order, and times with them; no index on created, which
     * every commit would write). The newest row stays whatever its age: SQLite numbers the next one
     * after the highest seq there is, and a poller that has seen it must never see a seq again.
     */
    static int prune(SqlSession db, long now) {
        long youngFrom = db.firstLong("SELECT seq FROM change_log WHERE created >= ? ORDER BY seq LIMIT 1",
                now - RETENTION_MILLIS).orElseGet(() -> lastSeq(db));
        return db.update("DELETE FROM change_log WHERE seq < ?", youngFrom);
    }

    private static String kind(Change change) {
        return switch (change) {
            case Change.MailboxContent c -> "content";
            case Change.MailboxList l -> "list";
            case Change.PrivateFlags p -> "private";
            case Change.AccountChanged a -> "account";
            case Change.SieveScripts s -> "sieve";
            case Change.Metadata m -> "metadata";
        };
    }

    private static Change change(String kind, long accountId, long mailboxId) {
        return switch (kind) {
            case "content" -> new Change.MailboxContent(accountId, mailboxId);
            case "list" -> new Change.MailboxList(accountId);
            case "private" -> new Change.PrivateFlags(accountId, mailboxId);
            case "sieve" -> new Change.SieveScripts(accountId);
            case "metadata" -> new Change.Metadata(accountId, mailboxId);
            // an unknown kind, from a newer node, still tells listeners to look at the account
            default -> new Change.AccountChanged(accountId);
        };
    }
}
