package dev.letterbox.store.sql;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.SpecialUse;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rows of {@code mailbox}, {@code subscription} and the UIDVALIDITY counter. Every query names the
 * account: a mailbox id of another account is simply not found.
 */
final class MailboxQueries {
    private static final String COLUMNS = "id, account_id, name, uidvalidity, uidnext, highest_modseq, special_use";
    /** A new mailbox's HIGHESTMODSEQ; its first change takes the next value. */
    static final long INITIAL_MODSEQ = 1;

    private MailboxQueries() {}

    /** A mailbox from the first seven columns of a row, in the order of {@code COLUMNS}. */
    static Mailbox map(ResultSet rs) throws SQLException {
        return map(rs, 1);
    }

    /** A mailbox from seven columns of a row from column {@code first} on, in the order of {@code COLUMNS}. */
    static Mailbox map(ResultSet rs, int first) throws SQLException {
        String use = rs.getString(first + 6);
        return new Mailbox(rs.getLong(first), rs.getLong(first + 1), rs.getString(first + 2), rs.getLong(first + 3),
                rs.getLong(first + 4), rs.getLong(first + 5), use == null ? Optional.empty() : Optional.of(SpecialUse.valueOf(use)));
    }

    /** The columns {@link #map} reads, each with the table's alias in front. */
    static String prefixedColumns(String alias) {
        return MessageQueries.prefixed(alias, COLUMNS);
    }

    /** Ordered by name in Java, so the order is the same whatever the database's collation. */
    static List<Mailbox> all(SqlSession db, long accountId) {
        List<Mailbox> list = db.list("SELECT " + COLUMNS + " FROM mailbox WHERE account_id = ?",
                MailboxQueries::map, accountId);
        list.sort(Comparator.comparing(Mailbox::name));
        return list;
    }

    static Optional<Mailbox> byName(SqlSession db, long accountId, String canonicalName) {
        return db.first("SELECT " + COLUMNS + " FROM mailbox WHERE account_id = ? AND name = ?",
                MailboxQueries::map, accountId, canonicalName);
    }

    static Optional<ReadTx.MarkedMailbox> byNameWithRecentMark(SqlSession db, long accountId, String canonicalName) {
        return db.first("SELECT " + COLUMNS + ", recent_mark FROM mailbox WHERE account_id = ? AND name = ?",
                rs -> new ReadTx.MarkedMailbox(map(rs), rs.getLong(8)), accountId, canonicalName);
    }

    static Optional<Mailbox> byId(SqlSession db, long accountId, long mailboxId) {
        return db.first("SELECT " + COLUMNS + " FROM mailbox WHERE id = ? AND account_id = ?",
                MailboxQueries::map, mailboxId, accountId);
    }

    /** The mailbox, locked for update where the database locks rows; NONEXISTENT when not the account's. */
    static Mailbox lock(SqlSession db, Dialect dialect, long accountId, long mailboxId) {
        return db.first("SELECT " + COLUMNS + " FROM mailbox WHERE id = ? AND account_id = ?" + dialect.forUpdate,
                MailboxQueries::map, mailboxId, accountId).orElseThrow(MailboxQueries::nonexistent);
    }

    static boolean owned(SqlSession db, long accountId, long mailboxId) {
        return db.firstLong("SELECT 1 FROM mailbox WHERE id = ? AND account_id = ?", mailboxId, accountId).isPresent();
    }

    static MailboxException nonexistent() {
        return new MailboxException(MailboxException.Reason.NONEXISTENT, "no such mailbox");
    }

    static Optional<Mailbox> withUse(SqlSession db, long accountId, SpecialUse use) {
        return db.first("SELECT " + COLUMNS + " FROM mailbox WHERE account_id = ? AND special_use = ? ORDER BY id LIMIT 1",
                MailboxQueries::map, accountId, use.name());
    }

    static long count(SqlSession db, long accountId) {
        return db.firstLong("SELECT count(*) FROM mailbox WHERE account_id = ?", accountId).orElse(0);
    }

    /** The recent mark of the account's mailbox; empty when the mailbox is not the account's. */
    static OptionalLong recentMark(SqlSession db, long accountId, long mailboxId) {
        return db.firstLong("SELECT recent_mark FROM mailbox WHERE id = ? AND account_id = ?", mailboxId, accountId);
    }

    static Mailbox insert(SqlSession db, long accountId, String name, Optional<SpecialUse> use) {
        long uidValidity = nextUidValidity(db);
        long id = db.insertReturningId("INSERT INTO mailbox (account_id, name, uidvalidity, uidnext, highest_modseq, "
                        + "special_use, recent_mark) VALUES (?, ?, ?, 1, ?, ?, 1) RETURNING id",
                accountId, name, uidValidity, INITIAL_MODSEQ,
                use.<Object>map(SpecialUse::name).orElse(SqlSession.Null.TEXT));
        return new Mailbox(id, accountId, name, uidValidity, 1, INITIAL_MODSEQ, use);
    }

    /**
     * A UIDVALIDITY never handed out before in this database: the clock in seconds, or one more than
     * the last one when the clock is behind it (many creations in a second, a clock set back). It stays
     * a 32-bit number (RFC 3501 nz-number) until the clock reaches 2106.
     */
    private static long nextUidValidity(SqlSession db) {
        long now = System.currentTimeMillis() / 1000;
        // One statement, so two nodes sharing a database cannot both take the same value.
        return db.firstLong("UPDATE counter SET value = CASE WHEN value + 1 > ? THEN value + 1 ELSE ? END "
                + "WHERE name = 'uidvalidity' RETURNING value", now, now).orElseThrow();
    }

    static void rename(SqlSession db, long mailboxId, String newName) {
        db.update("UPDATE mailbox SET name = ? WHERE id = ?", newName, mailboxId);
    }

    /**
     * UIDs taken from a mailbox: the first of them, its UIDVALIDITY, its HIGHESTMODSEQ and UIDNEXT
     * after the statement, and its \Recent mark, which nobody else can move while the taking unit
     * holds the row.
     */
    record TakenUids(long mailboxId, long firstUid, long uidValidity, long highestModSeq, long uidNext, long recentMark) {}

    /**
     * Takes {@code count} UIDs from UIDNEXT and, when {@code newModSeq}, raises HIGHESTMODSEQ by one:
     * one statement that also locks the row (where the database locks rows), where a locking read,
     * a MODSEQ update and a UIDNEXT update were three. When the mailbox is not the account's
     * (NONEXISTENT) or the UIDs would pass {@code maxUid} (LIMIT), it changes nothing.
     */
    static TakenUids takeUids(SqlSession db, long accountId, long mailboxId, int count, boolean newModSeq, long maxUid) {
        Optional<TakenUids> taken = db.first("UPDATE mailbox SET uidnext = uidnext + ?"
                        + (newModSeq ? ", highest_modseq = highest_modseq + 1" : "")
                        + " WHERE id = ? AND account_id = ? AND uidnext + ? <= ? RETURNING uidnext, uidvalidity, highest_modseq, recent_mark",
                rs -> new TakenUids(mailboxId, rs.getLong(1) - count, rs.getLong(2), rs.getLong(3), rs.getLong(1), rs.getLong(4)),
                (long) count, mailboxId, accountId, (long) count - 1, maxUid);
        if (taken.isPresent()) return taken.get();
        if (byId(db, accountId, mailboxId).isEmpty()) throw nonexistent();
        throw outOfUids();
    }

    /** {@link #takeUids} of one UID and a new MODSEQ, from the mailbox of this (canonical) name. */
    static TakenUids takeUid(SqlSession db, long accountId, String canonicalName, long maxUid) {
        Optional<TakenUids> taken = db.first("UPDATE mailbox SET uidnext = uidnext + 1, highest_modseq = highest_modseq + 1"
                        + " WHERE account_id = ? AND name = ? AND uidnext <= ? RETURNING id, uidnext, uidvalidity, highest_modseq, recent_mark",
                rs -> new TakenUids(rs.getLong(1), rs.getLong(2) - 1, rs.getLong(3), rs.getLong(4), rs.getLong(2), rs.getLong(5)),
                accountId, canonicalName, maxUid);
        return taken.orElseThrow(() -> noUidFrom(db, accountId, canonicalName));
    }

    /** Why the mailbox of this name gave no UID: it is not there (NONEXISTENT) or has run out (LIMIT). */
    static MailboxException noUidFrom(SqlSession db, long accountId, String canonicalName) {
        return byName(db, accountId, canonicalName).isEmpty() ? nonexistent() : outOfUids();
    }

    private static MailboxException outOfUids() {
        return new MailboxException(MailboxException.Reason.LIMIT, "mailbox has run out of UIDs");
    }

    /**
     * A WITH item that raises HIGHESTMODSEQ of the mailbox (parameter: its id) by one, locking its
     * row, and names the new value {@code (SELECT v FROM m)} for the statement's data-modifying items
     * ({@link Dialect#dataModifyingWith} only).
     */
    static final String TAKE_MODSEQ = "m AS (UPDATE mailbox SET highest_modseq = highest_modseq + 1 WHERE id = ? "
            + "RETURNING highest_modseq AS v)";

    /** Raises HIGHESTMODSEQ by one and returns the new value. */
    static long bumpModSeq(SqlSession db, long mailboxId) {
        return db.firstLong("UPDATE mailbox SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq",
                mailboxId).orElseThrow();
    }

    /**
     * Moves the recent mark up to {@code upTo} (at most UIDNEXT, never back) and returns where it was:
     * a locking read of the mark and UIDNEXT, then the update when the mark moves.
     */
    static long claimRecent(SqlSession db, Dialect dialect, long accountId, long mailboxId, long upTo) {
        long[] markAndNext = db.first("SELECT recent_mark, uidnext FROM mailbox WHERE id = ? AND account_id = ?"
                        + dialect.forUpdate, rs -> new long[] {rs.getLong(1), rs.getLong(2)}, mailboxId, accountId)
                .orElseThrow(MailboxQueries::nonexistent);
        long old = markAndNext[0];
        long mark = Math.min(upTo, markAndNext[1]);
        if (mark > old) db.update(SET_RECENT_MARK, mark, mailboxId);
        return old;
    }

    /** Sets the recent mark of a mailbox; parameters: the mark, the mailbox id. */
    static final String SET_RECENT_MARK = "UPDATE mailbox SET recent_mark = ? WHERE id = ?";

    /**
     * Moves the recent mark from {@code from} to {@code to} when it is still at {@code from} and
     * {@code to} is not past UIDNEXT: one statement (a compare-and-set), true when it moved it.
     */
    static boolean moveRecentMark(SqlSession db, long accountId, long mailboxId, long from, long to) {
        return db.update("UPDATE mailbox SET recent_mark = ? WHERE id = ? AND account_id = ? AND recent_mark = ? "
                + "AND uidnext >= ?", to, mailboxId, accountId, from, to) > 0;
    }

    /** Deletes the mailbox row and its METADATA entries; its messages and tombstones must be gone already. */
    static void delete(SqlSession db, long mailboxId) {
        db.update("DELETE FROM mailbox_grant WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM mailbox_group_grant WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM private_seen WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM metadata_entry WHERE mailbox_id = ? AND mailbox_id <> 0", mailboxId);
        db.update("DELETE FROM mailbox WHERE id = ?", mailboxId);
    }

    static List<String> subscriptions(SqlSession db, long accountId) {
        List<String> names = db.list("SELECT name FROM subscription WHERE account_id = ?", rs -> rs.getString(1), accountId);
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * The account's mailboxes and subscriptions in one statement: the subscriptions come as rows
     * with id 0 (no mailbox has it) and their name in the name column. Each list sorted in Java.
     */
    static ReadTx.MailboxTree tree(SqlSession db, long accountId) {
        TreeRows rows = new TreeRows();
        db.list(TREE, rows::add, accountId, accountId);
        return rows.tree();
    }

    /** {@link #tree}'s query; parameters: the account id, twice. */
    static final String TREE = tree("");

    /** {@link #TREE} with {@code extraColumns} (", a, b") at the end of its rows, to be united with another query. */
    static String tree(String extraColumns) {
        return "SELECT " + COLUMNS + extraColumns + " FROM mailbox WHERE account_id = ? UNION ALL "
                + "SELECT 0, account_id, name, 0, 0, 0, NULL" + extraColumns + " FROM subscription WHERE account_id = ?";
    }

    /** Collects the rows of {@link #TREE}. */
    static final class TreeRows {
        private final List<Mailbox> mailboxes = new ArrayList<>();
        private final List<String> subscriptions = new ArrayList<>();

        boolean add(java.sql.ResultSet rs) throws java.sql.SQLException {
            return rs.getLong(1) == 0 ? subscriptions.add(rs.getString(3)) : mailboxes.add(map(rs));
        }

        ReadTx.MailboxTree tree() {
            mailboxes.sort(Comparator.comparing(Mailbox::name));
            subscriptions.sort(Comparator.naturalOrder());
            return new ReadTx.MailboxTree(mailboxes, subscriptions);
        }
    }

    static void subscribe(SqlSession db, long accountId, String name) {
        db.update("INSERT INTO subscription (account_id, name) VALUES (?, ?) ON CONFLICT (account_id, name) DO NOTHING",
                accountId, name);
    }

    static void unsubscribe(SqlSession db, long accountId, String name) {
        db.update("DELETE FROM subscription WHERE account_id = ? AND name = ?", accountId, name);
    }
}
