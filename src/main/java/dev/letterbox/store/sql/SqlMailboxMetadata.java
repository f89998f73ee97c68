package dev.letterbox.store.sql;

import dev.letterbox.store.Change;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxException.Reason;
import dev.letterbox.store.MailboxMetadata;
import java.util.Comparator;
import java.util.List;

/**
 * METADATA entries in the {@code metadata_entry} table. A change locks the account's row first
 * (a no-op on SQLite, whose single writer already runs changes one after the other), so two
 * sessions or nodes setting entries at once cannot together pass the account's limits.
 */
final class SqlMailboxMetadata implements MailboxMetadata {
    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final Dialect dialect;

    SqlMailboxMetadata(ReadPool reads, GroupCommitWriter writer, Dialect dialect) {
        this.reads = reads;
        this.writer = writer;
        this.dialect = dialect;
    }

    @Override
    public List<Entry> list(long accountId, long mailboxId) {
        List<Entry> entries = reads.read(db -> {
            requireMailbox(db, accountId, mailboxId);
            return db.list("SELECT name, value FROM metadata_entry WHERE account_id = ? AND mailbox_id = ?",
                    rs -> new Entry(rs.getString(1), rs.getBytes(2)), accountId, mailboxId);
        });
        // sorted here, not by ORDER BY: the two databases collate text differently
        return entries.stream().sorted(Comparator.comparing(Entry::name)).toList();
    }

    @Override
    public List<Located> all(long accountId) {
        return reads.read(db -> db.list("SELECT mailbox_id, name, value FROM metadata_entry WHERE account_id = ?",
                rs -> new Located(rs.getLong(1), new Entry(rs.getString(2), rs.getBytes(3))), accountId));
    }

    @Override
    public void set(long accountId, long mailboxId, List<Entry> changes, int maxEntries, long maxTotalBytes) {
        GroupCommitWriter.await(writer.submit((db, fx) -> {
            if (db.firstLong("SELECT id FROM account WHERE id = ?" + dialect.forUpdate, accountId).isEmpty()) {
                throw new MailboxException(Reason.NOT_FOUND, "no such account");
            }
            requireMailbox(db, accountId, mailboxId);
            for (Entry e : changes) {
                db.update("DELETE FROM metadata_entry WHERE account_id = ? AND mailbox_id = ? AND name = ?",
                        accountId, mailboxId, e.name());
                if (e.value() != null) {
                    db.update("INSERT INTO metadata_entry (account_id, mailbox_id, name, value) VALUES (?, ?, ?, ?)",
                            accountId, mailboxId, e.name(), e.value());
                }
            }
            long count = db.firstLong("SELECT count(*) FROM metadata_entry WHERE account_id = ?", accountId).orElse(0);
            if (count > maxEntries) throw new MailboxException(Reason.LIMIT, "too many metadata entries");
            long bytes = db.firstLong("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM metadata_entry WHERE account_id = ?",
                    accountId).orElse(0);
            if (bytes > maxTotalBytes) throw new MailboxException(Reason.LIMIT, "metadata values too large in total");
            fx.changed(new Change.Metadata(accountId, mailboxId));
            return null;
        }));
    }

    /** The account's own mailbox, or the server; anything else does not exist for it. */
    private static void requireMailbox(SqlSession db, long accountId, long mailboxId) {
        if (mailboxId == SERVER) return;
        if (db.firstLong("SELECT id FROM mailbox WHERE id = ? AND account_id = ?", mailboxId, accountId).isEmpty()) {
            throw new MailboxException(Reason.NONEXISTENT, "Mailbox does not exist");
        }
    }
}
