package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.FlagState;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxStatus;
import dev.letterbox.store.MessageMeta;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rows of {@code message} and {@code expunged}, always of one mailbox. The reads that take an
 * account check ownership in their own WHERE clause ({@link #OWNED_MAILBOX}): another account's
 * mailbox gives no rows, so a read transaction need not ask separately first, a round trip per
 * read on a networked database; the others are for a mailbox the caller has checked (or locked).
 * Flags are an INT bitmask (the {@link Flags} system bits) plus a space-separated keyword string;
 * times are epoch milliseconds.
 */
final class MessageQueries {
    private static final String COLUMNS = "uid, modseq, flags, keywords, internal_date, saved_date, size, blob_id";
    /**
     * {@code mailbox_id = ?} for the mailbox of this id only when the account owns it (parameters:
     * mailbox id, account id): an uncorrelated subquery, evaluated once, so the (mailbox_id, ...)
     * indexes still serve the rest of the condition and the order.
     */
    static final String OWNED_MAILBOX = "mailbox_id = (SELECT o.id FROM mailbox o WHERE o.id = ? AND o.account_id = ?)";

    private MessageQueries() {}

    private static MessageMeta map(ResultSet rs) throws SQLException {
        return new MessageMeta(rs.getLong(1), rs.getLong(2), Flags.fromStorage(rs.getInt(3), rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), rs.getLong(7),
                new BlobId(rs.getString(8)));
    }

    static List<MessageMeta> range(SqlSession db, long accountId, long mailboxId, long fromUid, long toUid, int limit) {
        if (limit <= 0 || fromUid > toUid) return List.of();
        return db.list("SELECT " + COLUMNS + " FROM message WHERE " + OWNED_MAILBOX + " AND uid >= ? AND uid <= ? "
                + "ORDER BY uid LIMIT ?", MessageQueries::map, mailboxId, accountId, fromUid, toUid, limit);
    }

    /** The messages among {@code uids} that exist, ascending, in one query (an empty list asks nothing). */
    static List<MessageMeta> listed(SqlSession db, Dialect dialect, long accountId, long mailboxId, long[] uids) {
        if (uids.length == 0) return List.of();
        return db.list("SELECT " + COLUMNS + " FROM message WHERE " + OWNED_MAILBOX + " AND uid" + dialect.inList()
                + " ORDER BY uid", MessageQueries::map, mailboxId, accountId, dialect.list(uids));
    }

    static List<FlagState> flagStates(SqlSession db, long accountId, long mailboxId, long fromUid, long toUid, int limit) {
        if (limit <= 0 || fromUid > toUid) return List.of();
        return db.list("SELECT uid, modseq, flags, keywords FROM message WHERE " + OWNED_MAILBOX
                        + " AND uid >= ? AND uid <= ? ORDER BY uid LIMIT ?",
                rs -> new FlagState(rs.getLong(1), rs.getLong(2), Flags.fromStorage(rs.getInt(3), rs.getString(4))),
                mailboxId, accountId, fromUid, toUid, limit);
    }

    /** The stored structures by UID; {@code rowsSeen} is false when no message matched at all. */
    record Structures(java.util.Map<Long, byte[]> byUid, boolean rowsSeen) {}

    static Structures structures(SqlSession db, long accountId, long mailboxId, long fromUid, long toUid, int limit) {
        java.util.Map<Long, byte[]> out = new java.util.HashMap<>();
        if (limit <= 0 || fromUid > toUid) return new Structures(out, false);
        record UidStructure(long uid, byte[] structure) {}
        List<UidStructure> rows = db.list("SELECT m.uid, b.structure FROM message m JOIN blob b ON b.id = m.blob_id "
                        + "WHERE m." + OWNED_MAILBOX + " AND m.uid >= ? AND m.uid <= ? ORDER BY m.uid LIMIT ?",
                rs -> new UidStructure(rs.getLong(1), rs.getBytes(2)), mailboxId, accountId, fromUid, toUid, limit);
        for (UidStructure r : rows) {
            if (r.structure() != null) out.put(r.uid(), r.structure());
        }
        return new Structures(out, !rows.isEmpty());
    }

    static Optional<MessageMeta> one(SqlSession db, long accountId, long mailboxId, long uid) {
        return db.first("SELECT " + COLUMNS + " FROM message WHERE " + OWNED_MAILBOX + " AND uid = ?",
                MessageQueries::map, mailboxId, accountId, uid);
    }

    static long[] uids(SqlSession db, long accountId, long mailboxId) {
        return db.longs("SELECT uid FROM message WHERE " + OWNED_MAILBOX + " ORDER BY uid", mailboxId, accountId);
    }

    static long[] uidsWithFlag(SqlSession db, long accountId, long mailboxId, int flag) {
        return db.longs("SELECT uid FROM message WHERE " + OWNED_MAILBOX + " AND (flags & ?) <> 0 ORDER BY uid",
                mailboxId, accountId, flag);
    }

    static List<MessageMeta> changedSince(SqlSession db, long accountId, long mailboxId, long modSeq, long afterUid, int limit) {
        if (limit <= 0) return List.of();
        return db.list("SELECT " + COLUMNS + " FROM message WHERE " + OWNED_MAILBOX + " AND modseq > ? AND uid > ? "
                + "ORDER BY uid LIMIT ?", MessageQueries::map, mailboxId, accountId, modSeq, afterUid, limit);
    }

    /** The highest MODSEQ whose expunges are no longer recorded (0: all are); empty when not the account's mailbox. */
    static OptionalLong vanishedHorizon(SqlSession db, long accountId, long mailboxId) {
        return db.firstLong("SELECT vanished_horizon FROM mailbox WHERE id = ? AND account_id = ?",
                mailboxId, accountId);
    }

    static long[] expungedSince(SqlSession db, long accountId, long mailboxId, long modSeq) {
        return db.longs("SELECT uid FROM expunged WHERE " + OWNED_MAILBOX + " AND modseq > ? ORDER BY uid",
                mailboxId, accountId, modSeq);
    }

    /**
     * The messages among {@code uids} that exist, ascending. The UIDs are read as runs of consecutive
     * numbers, one range query per run: IMAP sets are mostly ranges ("1:*", "4:17"), so this is one
     * or a few queries where a query per UID would be thousands.
     */
    static List<MessageMeta> existing(SqlSession db, Dialect dialect, long mailboxId, long[] uids) {
        long[] sorted = sortedUnique(uids);
        Read one = oneRead(dialect, mailboxId, sorted);
        if (one != null) return db.list(one.sql(), MessageQueries::map, one.args());
        List<MessageMeta> out = new ArrayList<>();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) j++;
            out.addAll(db.list(RUN_READ, MessageQueries::map, mailboxId, sorted[i], sorted[j]));
            i = j + 1;
        }
        return out;
    }

    /**
     * The account's mailbox locked for update ({@link MailboxQueries#lock}), then its messages among
     * {@code uids} ({@link #existing}): what STORE and EXPUNGE read before they write. On PostgreSQL,
     * when one query reads the messages, the lock and the read are one statement
     * ({@link #lockAndRead}); they were two on the writer's connection, which every write waits for.
     */
    static Locked lockedExisting(SqlSession db, Dialect dialect, long accountId, long mailboxId, long[] uids) {
        Read one = dialect == Dialect.POSTGRESQL ? oneRead(dialect, mailboxId, sortedUnique(uids)) : null;
        if (one == null) {
            Mailbox mailbox = MailboxQueries.lock(db, dialect, accountId, mailboxId);
            return new Locked(mailbox, existing(db, dialect, mailboxId, uids));
        }
        return lockAndRead(db, accountId, mailboxId, one);
    }

    /**
     * PostgreSQL: the mailbox row locked and the messages read in one statement. The statement
     * reads the messages as of its start, and when it had to wait for the lock, the row it locked
     * is the one the other writer committed, while the messages it joined stay as they were before
     * that writer's change (the database re-reads only the locked row). Every change to a mailbox's
     * messages raises its HIGHESTMODSEQ, so the statement also returns HIGHESTMODSEQ as of its
     * start: when the locked row's differs, the messages are read again, now under the lock.
     */
    private static Locked lockAndRead(SqlSession db, long accountId, long mailboxId, Read one) {
        Object[] args = new Object[3 + one.uidArgs().length];
        args[0] = mailboxId;
        System.arraycopy(one.uidArgs(), 0, args, 1, one.uidArgs().length);
        args[args.length - 2] = mailboxId;
        args[args.length - 1] = accountId;
        Mailbox[] mailbox = new Mailbox[1]; // from the first row: every row has the same
        long[] before = new long[1];
        List<MessageMeta> found = db.list(one.lockAndReadSql(), rs -> {
            if (mailbox[0] == null) {
                mailbox[0] = MailboxQueries.map(rs, 9);
                before[0] = rs.getLong(16);
            }
            return rs.getString(8) == null ? null : map(rs); // the one row of a mailbox without such messages
        }, args);
        if (mailbox[0] == null) throw MailboxQueries.nonexistent();
        if (before[0] != mailbox[0].highestModSeq()) { // another writer committed while this one waited
            return new Locked(mailbox[0], db.list(one.sql(), MessageQueries::map, one.args()));
        }
        if (found.size() == 1 && found.getFirst() == null) found.clear();
        return new Locked(mailbox[0], found);
    }

    /** {@link #lockAndRead}'s statement with this condition on the UIDs ({@code x.uid ...}), made once. */
    private static String lockAndReadSql(String uidCondition) {
        return "SELECT " + prefixed("x.", COLUMNS) + ", " + MailboxQueries.prefixedColumns("m.")
                + ", (SELECT s.highest_modseq FROM mailbox s WHERE s.id = ?)"
                + " FROM mailbox m LEFT JOIN message x ON x.mailbox_id = m.id AND x." + uidCondition
                + " WHERE m.id = ? AND m.account_id = ? ORDER BY x.uid FOR UPDATE OF m";
    }

    /** {@code columns}, comma-separated, each with the table's alias in front. */
    static String prefixed(String alias, String columns) {
        return alias + columns.replace(", ", ", " + alias);
    }

    /**
     * What {@link #lockedExisting} read: the mailbox as locked (no one else changes it, its
     * HIGHESTMODSEQ included, until the transaction ends) and its messages among the UIDs asked for.
     */
    record Locked(Mailbox mailbox, List<MessageMeta> messages) {}

    private static final String RUN_READ = "SELECT " + COLUMNS + " FROM message WHERE mailbox_id = ? AND uid >= ? AND uid <= ? "
            + "ORDER BY uid";
    private static final String LISTED_READ = "SELECT " + COLUMNS + " FROM message WHERE mailbox_id = ? AND uid"
            + Dialect.POSTGRESQL.inList() + " ORDER BY uid";
    private static final String RUN_LOCK_AND_READ = lockAndReadSql("uid >= ? AND uid <= ?");
    private static final String LISTED_LOCK_AND_READ = lockAndReadSql("uid" + Dialect.POSTGRESQL.inList());

    /**
     * A query and its parameters; the same read with the mailbox's lock ({@link #lockAndRead}) and
     * the parameters of its condition on the UIDs.
     */
    private record Read(String sql, Object[] args, String lockAndReadSql, Object[] uidArgs) {}

    /**
     * The one query that reads these UIDs (ascending, each once), or null when it takes one per run:
     * a single run is a range; on PostgreSQL, several runs are named in a list, where each run was a
     * round trip (STORE's and EXPUNGE's reads run on the writer's connection).
     */
    private static Read oneRead(Dialect dialect, long mailboxId, long[] sorted) {
        if (sorted.length == 0) return null;
        if (sorted[sorted.length - 1] - sorted[0] == sorted.length - 1) {
            return new Read(RUN_READ, new Object[] {mailboxId, sorted[0], sorted[sorted.length - 1]},
                    RUN_LOCK_AND_READ, new Object[] {sorted[0], sorted[sorted.length - 1]});
        }
        if (dialect != Dialect.POSTGRESQL || sorted.length > LISTED_UIDS) return null;
        Object list = dialect.list(sorted);
        return new Read(LISTED_READ, new Object[] {mailboxId, list}, LISTED_LOCK_AND_READ, new Object[] {list});
    }

    /** At most this many UIDs in runs are read by one query naming them all (see {@link #existing}). */
    private static final int LISTED_UIDS = 1_000;

    /** Positive UIDs, ascending, each once. */
    static long[] sortedUnique(long[] uids) {
        long[] sorted = uids.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (long uid : sorted) {
            if (uid > 0 && (n == 0 || sorted[n - 1] != uid)) sorted[n++] = uid;
        }
        return Arrays.copyOf(sorted, n);
    }

    static void insert(SqlSession db, long mailboxId, long uid, long modSeq, Flags flags, Instant internalDate,
                       Instant savedDate, long size, BlobId blob) {
        db.update("INSERT INTO message (" + INSERT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values(mailboxId, uid, modSeq, flags, internalDate, savedDate, size, blob));
    }

    /** The columns a new message row is given, in the order of {@link #values}. */
    static final String INSERT_COLUMNS = "mailbox_id, " + COLUMNS;

    static Object[] values(long mailboxId, long uid, long modSeq, Flags flags, Instant internalDate, Instant savedDate,
                           long size, BlobId blob) {
        return new Object[] {mailboxId, uid, modSeq, flags.system(), flags.keywordString(), internalDate.toEpochMilli(),
                savedDate.toEpochMilli(), size, blob.value()};
    }

    /** Gives these messages the same flags and MODSEQ, in one statement. */
    static void setFlags(SqlSession db, Dialect dialect, long mailboxId, long[] uids, long modSeq, Flags flags) {
        db.update("UPDATE message SET flags = ?, keywords = ?, modseq = ? WHERE mailbox_id = ? AND uid" + dialect.inList(),
                flags.system(), flags.keywordString(), modSeq, mailboxId, dialect.list(uids));
    }

    /**
     * PostgreSQL: {@link #setFlags} sent with the transaction's next statement or its COMMIT
     * ({@link SqlSession#defer}); with {@code raiseHighest}, HIGHESTMODSEQ becomes {@code modSeq} in
     * the same statement. For a mailbox the transaction holds locked ({@link #lockedExisting}), whose
     * HIGHESTMODSEQ it knows: nothing else can make the statement fail.
     */
    static void deferSetFlags(SqlSession db, Dialect dialect, long mailboxId, long[] uids, long modSeq, Flags flags,
                              boolean raiseHighest) {
        String update = "UPDATE message SET flags = ?, keywords = ?, modseq = ? WHERE mailbox_id = ? AND uid" + dialect.inList();
        if (raiseHighest) {
            db.defer("WITH m AS (UPDATE mailbox SET highest_modseq = ? WHERE id = ?) " + update,
                    modSeq, mailboxId, flags.system(), flags.keywordString(), modSeq, mailboxId, dialect.list(uids));
        } else {
            db.defer(update, flags.system(), flags.keywordString(), modSeq, mailboxId, dialect.list(uids));
        }
    }

    /**
     * Deletes these messages and leaves their tombstones: one statement where the dialect can
     * ({@link Dialect#dataModifyingWith}), two elsewhere, whatever the number of messages (an
     * EXPUNGE was two statements per message).
     */
    static void expunge(SqlSession db, Dialect dialect, long mailboxId, long[] uids, long modSeq) {
        long now = System.currentTimeMillis();
        if (dialect.dataModifyingWith) {
            db.update("WITH d AS (DELETE FROM message WHERE mailbox_id = ? AND uid" + dialect.inList() + " RETURNING uid) "
                            + "INSERT INTO expunged (mailbox_id, uid, modseq, created) SELECT ?, uid, ?, ? FROM d",
                    mailboxId, dialect.list(uids), mailboxId, modSeq, now);
            return;
        }
        db.update("DELETE FROM message WHERE mailbox_id = ? AND uid" + dialect.inList(), mailboxId, dialect.list(uids));
        db.update("INSERT INTO expunged (mailbox_id, uid, modseq, created) SELECT ?, value, ?, ? FROM "
                + dialect.listTable(),
                mailboxId, modSeq, now, dialect.list(uids));
    }

    /** What {@link #expungeTakingModSeq} did: the MODSEQ it took, the blobs whose rows it deleted. */
    record Expunged(long modSeq, String[] droppedBlobs) {}

    /**
     * {@link #expunge} with a new MODSEQ taken in the same statement ({@link MailboxQueries#TAKE_MODSEQ};
     * PostgreSQL), the account's usage lowered by {@code bytes} and {@code messages} and the rows of
     * the blobs nothing refers to any more deleted ({@link BlobRefs#DROP_EXPUNGED}) in it too: one
     * statement (a WITH item runs whether or not the query reads it).
     */
    static Expunged expungeTakingModSeq(SqlSession db, Dialect dialect, long mailboxId, long[] uids,
                                        long accountId, long bytes, long messages) {
        Object listed = dialect.list(uids);
        return db.first("WITH " + MailboxQueries.TAKE_MODSEQ + ", " + expungeItems(dialect) + " SELECT v, ARRAY(SELECT id FROM f) FROM m",
                rs -> new Expunged(rs.getLong(1), (String[]) rs.getArray(2).getArray()),
                mailboxId, mailboxId, listed, mailboxId, System.currentTimeMillis(),
                bytes, messages, accountId, mailboxId, listed).orElseThrow();
    }

    /**
     * {@link #expungeTakingModSeq} sent with the transaction's next statement or its COMMIT
     * ({@link SqlSession#defer}), HIGHESTMODSEQ set to {@code modSeq}: for a mailbox the transaction
     * holds locked ({@link #lockedExisting}), whose HIGHESTMODSEQ it knows, and messages whose bodies
     * live in their blob rows (nothing is left to delete after the commit, whichever rows go).
     */
    static void deferExpungeSettingModSeq(SqlSession db, Dialect dialect, long mailboxId, long[] uids, long modSeq,
                                          long accountId, long bytes, long messages) {
        Object listed = dialect.list(uids);
        db.defer("WITH m AS (UPDATE mailbox SET highest_modseq = ? WHERE id = ? RETURNING highest_modseq AS v), "
                        + expungeItems(dialect) + " SELECT 1",
                modSeq, mailboxId, mailboxId, listed, mailboxId, System.currentTimeMillis(),
                bytes, messages, accountId, mailboxId, listed);
    }

    /**
     * The WITH items of an EXPUNGE after {@code m} (the MODSEQ, as {@code v}): the messages deleted
     * ({@code d}), their tombstones, the account's usage, their blobs' rows nothing refers to any more
     * ({@code f}). Parameters: mailbox, UIDs, mailbox, time, bytes, messages, account, mailbox, UIDs.
     */
    private static String expungeItems(Dialect dialect) {
        return "d AS (DELETE FROM message WHERE mailbox_id = ? AND uid" + dialect.inList() + " RETURNING uid, blob_id), "
                + "i AS (INSERT INTO expunged (mailbox_id, uid, modseq, created) SELECT ?, uid, (SELECT v FROM m), ? FROM d RETURNING 1), "
                + "a AS (UPDATE account SET used_bytes = used_bytes - ?, used_messages = used_messages - ? WHERE id = ?), "
                + BlobRefs.DROP_EXPUNGED;
    }

    /**
     * The counters of the account's mailbox in one statement (empty when it is not the account's):
     * its row and an aggregate of its messages. RECENT counts the UIDs at or above the stored recent
     * mark and at or above {@code recentMarkAtLeast}, a claim a session has made but not yet stored.
     */
    static Optional<MailboxStatus> status(SqlSession db, long accountId, long mailboxId, long recentMarkAtLeast) {
        return db.first("SELECT x.uidnext, x.uidvalidity, x.highest_modseq, count(m.uid), "
                        + "coalesce(sum(CASE WHEN (m.flags & " + Flags.SEEN + ") = 0 THEN 1 ELSE 0 END), 0), "
                        + "coalesce(sum(CASE WHEN m.uid >= x.recent_mark AND m.uid >= ? THEN 1 ELSE 0 END), 0), "
                        + "coalesce(sum(m.size), 0), "
                        + "coalesce(sum(CASE WHEN (m.flags & " + Flags.DELETED + ") <> 0 THEN 1 ELSE 0 END), 0) "
                        + "FROM mailbox x LEFT JOIN message m ON m.mailbox_id = x.id "
                        + "WHERE x.id = ? AND x.account_id = ? GROUP BY x.id, x.uidnext, x.uidvalidity, x.highest_modseq",
                rs -> new MailboxStatus(mailboxId, rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(8)),
                recentMarkAtLeast, mailboxId, accountId);
    }

    /** The lowest UID without \\Seen (0: none); empty when not the account's mailbox (a row per owned mailbox). */
    static OptionalLong firstUnseen(SqlSession db, long accountId, long mailboxId) {
        return db.firstLong("SELECT (SELECT coalesce(min(m.uid), 0) FROM message m WHERE m.mailbox_id = x.id AND (m.flags & "
                + Flags.SEEN + ") = 0) FROM mailbox x WHERE x.id = ? AND x.account_id = ?", mailboxId, accountId);
    }

    static List<String> keywordsInUse(SqlSession db, long accountId, long mailboxId) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String k : db.list("SELECT DISTINCT keywords FROM message WHERE " + OWNED_MAILBOX + " AND keywords <> ''",
                rs -> rs.getString(1), mailboxId, accountId)) {
            all.addAll(List.of(k.split(" ")));
        }
        return List.copyOf(all);
    }

    /** {messages, octets} of the mailbox. */
    static long[] countAndSize(SqlSession db, long mailboxId) {
        return db.first("SELECT count(*), coalesce(sum(size), 0) FROM message WHERE mailbox_id = ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}, mailboxId).orElse(new long[2]);
    }

    static List<String> blobs(SqlSession db, long mailboxId) {
        return db.list("SELECT DISTINCT blob_id FROM message WHERE mailbox_id = ?", rs -> rs.getString(1), mailboxId);
    }

    /** Deletes every message and tombstone of the mailbox (the mailbox is going away). */
    static void deleteAll(SqlSession db, long mailboxId) {
        db.update("DELETE FROM message WHERE mailbox_id = ?", mailboxId);
        db.update("DELETE FROM expunged WHERE mailbox_id = ?", mailboxId);
    }
}
