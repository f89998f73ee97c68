package dev.letterbox.store.sql;

import dev.letterbox.store.Change;

import java.util.List;

/**
 * The {@code change_log} table: every committed unit that changed something leaves one row per
 * change, tagged with the node (process) that wrote it, so other processes can announce it too.
 * Rows carry no data, like {@link Change} itself; they are pruned after {@link #RETENTION_MILLIS}.
 */
final class ChangeLog {
    static final long RETENTION_MILLIS = 10 * 60 * 1000;
    /** The PostgreSQL NOTIFY channel that carries changes between nodes (see NotificationFeed). */
    static final String CHANNEL = "letterbox_change";

    /** A row read back: the change and who wrote it. */
    record Entry(long seq, String node, Change change) {}

    private ChangeLog() {}

    /**
     * Makes {@code change} known to the other processes or nodes once the unit commits: a row for
     * SQLite's pollers, a NOTIFY on PostgreSQL (sent at commit, dropped with a rolled-back savepoint).
     */
    static void record(SqlSession db, Dialect dialect, String node, Change change, long now) {
        if (dialect == Dialect.POSTGRESQL) {
            db.first("SELECT pg_notify(?, ?)", rs -> rs.getObject(1), CHANNEL, payload(node, change));
            return;
        }
        long mailboxId = change instanceof Change.MailboxContent c ? c.mailboxId() : 0;
        db.update("INSERT INTO change_log (node, account_id, mailbox_id, kind, created) VALUES (?, ?, ?, ?, ?)",
                node, change.accountId(), mailboxId == 0 ? SqlSession.Null.BIGINT : (Object) mailboxId,
                kind(change), now);
    }

    /** {@code node kind account mailbox}: a node id has no spaces, the rest are a word and numbers. */
    static String payload(String node, Change change) {
        long mailboxId = change instanceof Change.MailboxContent c ? c.mailboxId() : 0;
        return node + " " + kind(change) + " " + change.accountId() + " " + mailboxId;
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

    static int prune(SqlSession db, long now) {
        return db.update("DELETE FROM change_log WHERE created < ?", now - RETENTION_MILLIS);
    }

    private static String kind(Change change) {
        return switch (change) {
            case Change.MailboxContent c -> "content";
            case Change.MailboxList l -> "list";
            case Change.AccountChanged a -> "account";
            case Change.SieveScripts s -> "sieve";
        };
    }

    private static Change change(String kind, long accountId, long mailboxId) {
        return switch (kind) {
            case "content" -> new Change.MailboxContent(accountId, mailboxId);
            case "list" -> new Change.MailboxList(accountId);
            case "sieve" -> new Change.SieveScripts(accountId);
            // an unknown kind, from a newer node, still tells listeners to look at the account
            default -> new Change.AccountChanged(accountId);
        };
    }
}
