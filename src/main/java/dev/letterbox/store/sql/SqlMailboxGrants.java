package dev.letterbox.store.sql;

import dev.letterbox.store.Account;
import dev.letterbox.store.Change;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxException.Reason;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.Rights;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Grants in the {@code mailbox_grant} table (to accounts) and {@code mailbox_group_grant} (to
 * groups). A change locks the owner's mailbox row first, so a
 * grant never outlives a mailbox deleted at the same moment on another node.
 */
final class SqlMailboxGrants implements MailboxGrants {
    private static final String COLUMNS = "m.id, m.account_id, m.name, m.uidvalidity, m.uidnext, m.highest_modseq, "
            + "m.special_use, g.grantee_id, g.rights, ";
    /** The same columns from {@code mailbox_group_grant}: no grantee account, the identifier in its place. */
    private static final String GROUP_COLUMNS = "m.id, m.account_id, m.name, m.uidvalidity, m.uidnext, m.highest_modseq, "
            + "m.special_use, 0, g.rights, g.identifier ";
    private static final String GROUP_MATCH = "g.identifier IN (?, ?, ?)";
    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final Dialect dialect;

    SqlMailboxGrants(ReadPool reads, GroupCommitWriter writer, Dialect dialect) {
        this.reads = reads;
        this.writer = writer;
        this.dialect = dialect;
    }

    @Override
    public void set(long ownerId, long mailboxId, long granteeId, Rights rights) {
        if (ownerId == granteeId) throw new MailboxException(Reason.NOT_ALLOWED, "the owner always has every right");
        GroupCommitWriter.await(writer.submit((db, fx) -> {
            MailboxQueries.lock(db, dialect, ownerId, mailboxId);
            if (SqlDirectory.accountById(db, granteeId).isEmpty()) throw new MailboxException(Reason.NOT_FOUND, "no such account");
            db.update("DELETE FROM mailbox_grant WHERE mailbox_id = ? AND grantee_id = ?", mailboxId, granteeId);
            if (!rights.isEmpty()) {
                db.update("INSERT INTO mailbox_grant (mailbox_id, grantee_id, rights) VALUES (?, ?, ?)",
                        mailboxId, granteeId, rights.toString());
            }
            fx.changed(new Change.MailboxList(granteeId));
            return null;
        }));
    }

    @Override
    public void setGroup(long ownerId, long mailboxId, String identifier, Rights rights) {
        if (!MailboxGrants.isGroup(identifier)) throw new MailboxException(Reason.NOT_FOUND, "not a group: " + identifier);
        GroupCommitWriter.await(writer.submit((db, fx) -> {
            MailboxQueries.lock(db, dialect, ownerId, mailboxId);
            db.update("DELETE FROM mailbox_group_grant WHERE mailbox_id = ? AND identifier = ?", mailboxId, identifier);
            if (!rights.isEmpty()) {
                db.update("INSERT INTO mailbox_group_grant (mailbox_id, identifier, rights) VALUES (?, ?, ?)",
                        mailboxId, identifier, rights.toString());
            }
            return null;
        }));
    }

    @Override
    public List<Grant> grants(long ownerId, long mailboxId) {
        return grantsBy(ownerId).stream().filter(g -> g.mailbox().id() == mailboxId).toList();
    }

    @Override
    public List<Grant> grantsBy(long ownerId) {
        List<Grant> grants = reads.read(db -> db.list("SELECT " + COLUMNS + "a.address FROM mailbox_grant g "
                + "JOIN mailbox m ON m.id = g.mailbox_id JOIN account a ON a.id = g.grantee_id WHERE m.account_id = ?",
                rs -> new Grant(MailboxQueries.map(rs), rs.getLong(8), rs.getString(10), rights(rs)), ownerId));
        grants = new java.util.ArrayList<>(grants);
        grants.addAll(reads.read(db -> db.list("SELECT " + GROUP_COLUMNS + "FROM mailbox_group_grant g "
                + "JOIN mailbox m ON m.id = g.mailbox_id WHERE m.account_id = ?",
                rs -> new Grant(MailboxQueries.map(rs), 0, rs.getString(10), rights(rs)), ownerId)));
        // sorted here, not by ORDER BY: the two databases collate text differently
        return grants.stream().sorted(Comparator.comparing((Grant g) -> g.mailbox().name()).thenComparing(Grant::grantee)).toList();
    }

    @Override
    public List<Shared> sharedWith(long granteeId) {
        Optional<Account> grantee = reads.readOne(db -> SqlDirectory.accountById(db, granteeId));
        return shared(granteeId, grantee.orElse(null));
    }

    /** One query: a LIST pays this on every call, and on PostgreSQL each round trip counts. */
    @Override
    public List<Shared> sharedWith(Account grantee) {
        return shared(grantee.id(), grantee);
    }

    /**
     * One query: the account's tree and what is shared with it, told apart by the last column
     * ({@link SharedRows#TREE_ROW} for the tree's rows): a LIST pays this on every call.
     */
    @Override
    public Listing listing(Account grantee) {
        SharedRows shared = new SharedRows(grantee.id(), grantee);
        MailboxQueries.TreeRows tree = new MailboxQueries.TreeRows();
        Object[] args = new Object[2 + shared.args.length];
        args[0] = grantee.id();
        args[1] = grantee.id();
        System.arraycopy(shared.args, 0, args, 2, shared.args.length);
        String sql = MailboxQueries.tree(", 0, NULL, NULL, " + SharedRows.TREE_ROW) + " UNION ALL " + shared.sql;
        reads.readOne(db -> db.list(sql, rs -> rs.getInt(11) == SharedRows.TREE_ROW ? tree.add(rs) : shared.add(rs), args));
        return new Listing(tree.tree(), shared.result());
    }

    private List<Shared> shared(long granteeId, Account groupsOf) {
        SharedRows rows = new SharedRows(granteeId, groupsOf);
        reads.readOne(db -> db.list(rows.sql, rows::add, rows.args));
        return rows.result();
    }

    /**
     * The query for the grantee's direct grants and, when its account is known ({@code groupsOf}),
     * its groups' ({@link #groupParameters}); then what its rows make.
     */
    private static final class SharedRows {
        private static final String DIRECT = "SELECT " + COLUMNS + "a.address, 0 FROM mailbox_grant g "
                + "JOIN mailbox m ON m.id = g.mailbox_id JOIN account a ON a.id = m.account_id WHERE g.grantee_id = ?";
        private static final String WITH_GROUPS = DIRECT + " UNION ALL SELECT " + COLUMNS.replace("g.grantee_id", "0")
                + "a.address, 1 FROM mailbox_group_grant g JOIN mailbox m ON m.id = g.mailbox_id "
                + "JOIN account a ON a.id = m.account_id WHERE " + GROUP_MATCH + " AND m.account_id <> ?";
        /** The last column's value in rows that are not SharedRows' (direct grants have 0, groups' 1). */
        static final int TREE_ROW = 2;
        final String sql;
        final Object[] args;
        private final List<Shared> direct = new java.util.ArrayList<>();
        private final List<Shared> viaGroups = new java.util.ArrayList<>();

        SharedRows(long granteeId, Account groupsOf) {
            if (groupsOf == null) {
                sql = DIRECT;
                args = new Object[] {granteeId};
            } else {
                Object[] groups = groupParameters(groupsOf, granteeId);
                sql = WITH_GROUPS;
                args = new Object[] {granteeId, groups[0], groups[1], groups[2], groups[3]};
            }
        }

        boolean add(ResultSet rs) throws SQLException {
            return (rs.getInt(11) == 0 ? direct : viaGroups)
                    .add(new Shared(rs.getLong(2), rs.getString(10), MailboxQueries.map(rs), rights(rs)));
        }

        /** One entry a mailbox, with the rights of every grant that reaches the grantee; by owner, then name. */
        List<Shared> result() {
            List<Shared> result = direct;
            if (!viaGroups.isEmpty()) {
                java.util.Map<Long, Shared> byMailbox = new java.util.LinkedHashMap<>();
                for (Shared x : direct) byMailbox.put(x.mailbox().id(), x);
                for (Shared x : viaGroups) byMailbox.merge(x.mailbox().id(), x,
                        (a, b) -> new Shared(a.ownerId(), a.owner(), a.mailbox(), a.rights().plus(b.rights())));
                result = List.copyOf(byMailbox.values());
            }
            return result.stream().sorted(Comparator.comparing(Shared::owner).thenComparing(s -> s.mailbox().name())).toList();
        }
    }

    @Override
    public Rights rights(long mailboxId, long granteeId) {
        return reads.read(db -> {
            Rights rights = db.first("SELECT rights FROM mailbox_grant WHERE mailbox_id = ? AND grantee_id = ?",
                    rs -> rs.getString(1), mailboxId, granteeId).flatMap(Rights::parse).orElse(Rights.NONE);
            Optional<Account> grantee = SqlDirectory.accountById(db, granteeId);
            if (grantee.isEmpty()) return rights;
            Object[] groups = groupParameters(grantee.get(), mailboxId);
            for (String letters : db.list("SELECT g.rights FROM mailbox_group_grant g WHERE " + GROUP_MATCH + " AND g.mailbox_id = ?",
                    rs -> rs.getString(1), groups)) {
                rights = rights.plus(Rights.parse(letters).orElse(Rights.NONE));
            }
            return rights;
        });
    }

    @Override
    public long[] seenBy(long mailboxId, long granteeId) {
        long[] uids = reads.read(db -> db.longs("SELECT uid FROM private_seen WHERE mailbox_id = ? AND account_id = ?",
                mailboxId, granteeId));
        java.util.Arrays.sort(uids);
        return uids;
    }

    @Override
    public void setSeen(long ownerId, long mailboxId, long granteeId, long[] uids, boolean seen) {
        if (uids.length == 0) return;
        GroupCommitWriter.await(writer.submit((db, fx) -> {
            MailboxQueries.lock(db, dialect, ownerId, mailboxId);
            for (long uid : uids) {
                db.update("DELETE FROM private_seen WHERE mailbox_id = ? AND account_id = ? AND uid = ?", mailboxId, granteeId, uid);
                if (seen && db.firstLong("SELECT 1 FROM message WHERE mailbox_id = ? AND uid = ?", mailboxId, uid).isPresent()) {
                    db.update("INSERT INTO private_seen (mailbox_id, account_id, uid) VALUES (?, ?, ?)", mailboxId, granteeId, uid);
                }
            }
            fx.changed(new Change.PrivateFlags(granteeId, mailboxId)); // the grantee's other sessions there
            return null;
        }));
    }

    @Override
    public void setSendAs(long ownerId, long granteeId, boolean allowed) {
        setSendGrant("send_grant", ownerId, granteeId, allowed);
    }

    @Override
    public void setSendOnBehalf(long ownerId, long granteeId, boolean allowed) {
        setSendGrant("send_behalf_grant", ownerId, granteeId, allowed);
    }

    @Override
    public List<Account> sendOnBehalfOwners(long granteeId) {
        return accounts("SELECT owner_id FROM send_behalf_grant WHERE grantee_id = ?", granteeId);
    }

    @Override
    public List<Account> sendOnBehalfGrantees(long ownerId) {
        return accounts("SELECT grantee_id FROM send_behalf_grant WHERE owner_id = ?", ownerId);
    }

    /** A row in {@code table} (send_grant or send_behalf_grant, the same columns) made or removed. */
    private void setSendGrant(String table, long ownerId, long granteeId, boolean allowed) {
        if (ownerId == granteeId) throw new MailboxException(Reason.NOT_ALLOWED, "an account always sends as itself");
        GroupCommitWriter.await(writer.submit((db, fx) -> {
            for (long id : new long[] {ownerId, granteeId}) {
                if (db.firstLong("SELECT id FROM account WHERE id = ?" + dialect.forUpdate, id).isEmpty()) {
                    throw new MailboxException(Reason.NOT_FOUND, "no such account");
                }
            }
            db.update("DELETE FROM " + table + " WHERE owner_id = ? AND grantee_id = ?", ownerId, granteeId);
            if (allowed) db.update("INSERT INTO " + table + " (owner_id, grantee_id) VALUES (?, ?)", ownerId, granteeId);
            return null;
        }));
    }

    @Override
    public List<Account> sendAsOwners(long granteeId) {
        return accounts("SELECT owner_id FROM send_grant WHERE grantee_id = ?", granteeId);
    }

    @Override
    public List<Account> sendAsGrantees(long ownerId) {
        return accounts("SELECT grantee_id FROM send_grant WHERE owner_id = ?", ownerId);
    }

    private List<Account> accounts(String idQuery, long id) {
        return reads.read(db -> java.util.Arrays.stream(db.longs(idQuery, id)).mapToObj(a -> SqlDirectory.accountById(db, a))
                .flatMap(Optional::stream).sorted(Comparator.comparing(Account::address)).toList());
    }

    /** The parameters of {@link #GROUP_MATCH} for the account's groups, then {@code last}. */
    private static Object[] groupParameters(Account account, long last) {
        List<String> groups = MailboxGrants.groupsOf(account.address());
        return new Object[] {groups.get(0), groups.get(1), groups.get(2), last};
    }

    private static Rights rights(ResultSet rs) throws SQLException {
        return Rights.parse(rs.getString(9)).orElse(Rights.NONE);
    }
}
