package dev.letterbox.store.sql;

import dev.letterbox.store.Account;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.FlagState;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxStatus;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.SpecialUse;
import dev.letterbox.store.StoredMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read transaction of one account over one connection. Every method that takes a mailbox id
 * answers NONEXISTENT when the mailbox is not this account's: the reads of its messages check that
 * in their own WHERE clause (no extra round trip when they find rows), the rest look the mailbox up
 * first. What was learnt is remembered for the rest of the transaction, since ownership cannot
 * change inside it but by its own delete.
 */
class SqlReadTx implements ReadTx {
    final SqlSession db;
    final Dialect dialect;
    final long accountId;
    private final BlobCache blobCache;
    private final Set<Long> owned = new HashSet<>();

    SqlReadTx(SqlSession db, Dialect dialect, long accountId, BlobCache blobCache) {
        this.db = db;
        this.dialect = dialect;
        this.accountId = accountId;
        this.blobCache = blobCache;
    }

    final void checkOwned(long mailboxId) {
        if (owned.contains(mailboxId)) return;
        if (!MailboxQueries.owned(db, accountId, mailboxId)) throw MailboxQueries.nonexistent();
        owned.add(mailboxId);
    }

    /**
     * The answer of a read that checked ownership in its own WHERE clause (see MessageQueries): rows
     * prove the mailbox is the account's; no rows may also mean another account's mailbox, which
     * one look-up tells apart (NONEXISTENT), unless this transaction knows the answer already.
     */
    private <T> T owned(long mailboxId, T answer, boolean noRows) {
        if (noRows) checkOwned(mailboxId);
        else owned.add(mailboxId);
        return answer;
    }

    final void forget(long mailboxId) {
        owned.remove(mailboxId);
    }

    @Override
    public Account account() {
        return SqlDirectory.accountById(db, accountId)
                .orElseThrow(() -> new MailboxException(MailboxException.Reason.NOT_FOUND, "no such account"));
    }

    @Override
    public List<Mailbox> mailboxes() {
        return MailboxQueries.all(db, accountId);
    }

    @Override
    public Optional<Mailbox> mailbox(String name) {
        return MailboxNames.lookupForm(name).flatMap(n -> MailboxQueries.byName(db, accountId, n));
    }

    @Override
    public Optional<MarkedMailbox> mailboxWithRecentMark(String name) {
        return MailboxNames.lookupForm(name).flatMap(n -> MailboxQueries.byNameWithRecentMark(db, accountId, n));
    }

    @Override
    public Optional<Mailbox> mailbox(long mailboxId) {
        return MailboxQueries.byId(db, accountId, mailboxId);
    }

    @Override
    public Optional<Mailbox> mailboxWithUse(SpecialUse use) {
        return MailboxQueries.withUse(db, accountId, use);
    }

    @Override
    public MailboxStatus status(long mailboxId) {
        return status(mailboxId, 0);
    }

    @Override
    public MailboxStatus status(long mailboxId, long recentMarkAtLeast) {
        return MessageQueries.status(db, accountId, mailboxId, recentMarkAtLeast).orElseThrow(MailboxQueries::nonexistent);
    }

    @Override
    public List<String> subscriptions() {
        return MailboxQueries.subscriptions(db, accountId);
    }

    @Override
    public MailboxTree mailboxTree() {
        return MailboxQueries.tree(db, accountId);
    }

    @Override
    public long[] uids(long mailboxId) {
        long[] uids = MessageQueries.uids(db, accountId, mailboxId);
        return owned(mailboxId, uids, uids.length == 0);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId, long fromUid, long toUid, int limit) {
        List<MessageMeta> page = MessageQueries.range(db, accountId, mailboxId, fromUid, toUid, limit);
        return owned(mailboxId, page, page.isEmpty());
    }

    @Override
    public Optional<MessageMeta> message(long mailboxId, long uid) {
        Optional<MessageMeta> message = MessageQueries.one(db, accountId, mailboxId, uid);
        return owned(mailboxId, message, message.isEmpty());
    }

    /**
     * The rows in one query; the structures from this node's cache, those it lacks in one more
     * query (by blob: the rows just read prove the account may see them) and remembered.
     */
    @Override
    public List<StoredMessage> messages(long mailboxId, long[] uids, boolean withStructures) {
        List<MessageMeta> rows = MessageQueries.listed(db, dialect, accountId, mailboxId, uids);
        owned(mailboxId, rows, rows.isEmpty());
        List<StoredMessage> out = new ArrayList<>(rows.size());
        if (!withStructures) {
            for (MessageMeta m : rows) out.add(new StoredMessage(m, null));
            return out;
        }
        Map<String, byte[]> found = new HashMap<>();
        Set<String> missing = new LinkedHashSet<>(); // COPY shares a blob: ask once
        for (MessageMeta m : rows) {
            String blob = m.blob().value();
            if (found.containsKey(blob) || missing.contains(blob)) continue;
            byte[] known = blobCache.structure(blob);
            if (known != null) found.put(blob, known);
            else missing.add(blob);
        }
        if (!missing.isEmpty()) {
            Map<String, byte[]> read = BlobRefs.structures(db, dialect, missing);
            for (String blob : missing) {
                byte[] structure = read.get(blob);
                if (!read.containsKey(blob)) continue; // its last message went meanwhile: nothing to remember
                blobCache.putStructure(blob, structure);
                found.put(blob, structure);
            }
        }
        for (MessageMeta m : rows) {
            byte[] structure = found.get(m.blob().value());
            out.add(new StoredMessage(m, structure == BlobCache.NO_STRUCTURE ? null : structure));
        }
        return out;
    }

    @Override
    public List<MessageMeta> changedSince(long mailboxId, long modSeq, long afterUid, int limit) {
        List<MessageMeta> changed = MessageQueries.changedSince(db, accountId, mailboxId, modSeq, afterUid, limit);
        return owned(mailboxId, changed, changed.isEmpty());
    }

    @Override
    public long[] expungedSince(long mailboxId, long modSeq) {
        long[] uids = MessageQueries.expungedSince(db, accountId, mailboxId, modSeq);
        return owned(mailboxId, uids, uids.length == 0);
    }

    @Override
    public long vanishedHorizon(long mailboxId) {
        return MessageQueries.vanishedHorizon(db, accountId, mailboxId).orElseThrow(MailboxQueries::nonexistent);
    }

    @Override
    public long recentMark(long mailboxId) {
        return MailboxQueries.recentMark(db, accountId, mailboxId).orElseThrow(MailboxQueries::nonexistent);
    }

    @Override
    public List<FlagState> flagStates(long mailboxId, long fromUid, long toUid, int limit) {
        List<FlagState> page = MessageQueries.flagStates(db, accountId, mailboxId, fromUid, toUid, limit);
        return owned(mailboxId, page, page.isEmpty());
    }

    @Override
    public long[] uidsWithFlag(long mailboxId, int flag) {
        long[] uids = MessageQueries.uidsWithFlag(db, accountId, mailboxId, flag);
        return owned(mailboxId, uids, uids.length == 0);
    }

    @Override
    public long firstUnseenUid(long mailboxId) {
        return MessageQueries.firstUnseen(db, accountId, mailboxId).orElseThrow(MailboxQueries::nonexistent);
    }

    @Override
    public List<String> keywordsInUse(long mailboxId) {
        List<String> keywords = MessageQueries.keywordsInUse(db, accountId, mailboxId);
        return owned(mailboxId, keywords, keywords.isEmpty());
    }

    @Override
    public byte[] structure(BlobId blob) {
        return BlobRefs.structure(db, accountId, blob);
    }

    @Override
    public java.util.Map<Long, byte[]> structures(long mailboxId, long fromUid, long toUid, int limit) {
        MessageQueries.Structures found = MessageQueries.structures(db, accountId, mailboxId, fromUid, toUid, limit);
        return owned(mailboxId, found.byUid(), !found.rowsSeen());
    }
}
