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

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A read transaction of one account over one connection. Every method that takes a mailbox id first
 * checks that the mailbox is this account's (NONEXISTENT otherwise); the answer is remembered for
 * the rest of the transaction, since ownership cannot change inside it but by its own delete.
 */
class SqlReadTx implements ReadTx {
    final SqlSession db;
    final Dialect dialect;
    final long accountId;
    private final Set<Long> owned = new HashSet<>();

    SqlReadTx(SqlSession db, Dialect dialect, long accountId) {
        this.db = db;
        this.dialect = dialect;
        this.accountId = accountId;
    }

    final void checkOwned(long mailboxId) {
        if (owned.contains(mailboxId)) return;
        if (!MailboxQueries.owned(db, accountId, mailboxId)) throw MailboxQueries.nonexistent();
        owned.add(mailboxId);
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
        Mailbox mailbox = MailboxQueries.byId(db, accountId, mailboxId)
                .orElseThrow(MailboxQueries::nonexistent);
        return MessageQueries.status(db, mailbox, Math.max(recentMarkAtLeast, MailboxQueries.recentMark(db, mailboxId)));
    }

    @Override
    public List<String> subscriptions() {
        return MailboxQueries.subscriptions(db, accountId);
    }

    @Override
    public long[] uids(long mailboxId) {
        checkOwned(mailboxId);
        return MessageQueries.uids(db, mailboxId);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId, long fromUid, long toUid, int limit) {
        checkOwned(mailboxId);
        return MessageQueries.range(db, mailboxId, fromUid, toUid, limit);
    }

    @Override
    public Optional<MessageMeta> message(long mailboxId, long uid) {
        checkOwned(mailboxId);
        return MessageQueries.one(db, mailboxId, uid);
    }

    @Override
    public List<MessageMeta> changedSince(long mailboxId, long modSeq, long afterUid, int limit) {
        checkOwned(mailboxId);
        return MessageQueries.changedSince(db, mailboxId, modSeq, afterUid, limit);
    }

    @Override
    public long[] expungedSince(long mailboxId, long modSeq) {
        checkOwned(mailboxId);
        return MessageQueries.expungedSince(db, mailboxId, modSeq);
    }

    @Override
    public long vanishedHorizon(long mailboxId) {
        checkOwned(mailboxId);
        return MessageQueries.vanishedHorizon(db, mailboxId);
    }

    @Override
    public long recentMark(long mailboxId) {
        checkOwned(mailboxId);
        return MailboxQueries.recentMark(db, mailboxId);
    }

    @Override
    public List<FlagState> flagStates(long mailboxId, long fromUid, long toUid, int limit) {
        checkOwned(mailboxId);
        return MessageQueries.flagStates(db, mailboxId, fromUid, toUid, limit);
    }

    @Override
    public long[] uidsWithFlag(long mailboxId, int flag) {
        checkOwned(mailboxId);
        return MessageQueries.uidsWithFlag(db, mailboxId, flag);
    }

    @Override
    public long firstUnseenUid(long mailboxId) {
        checkOwned(mailboxId);
        return MessageQueries.firstUnseen(db, mailboxId);
    }

    @Override
    public List<String> keywordsInUse(long mailboxId) {
        checkOwned(mailboxId);
        return MessageQueries.keywordsInUse(db, mailboxId);
    }

    @Override
    public byte[] structure(BlobId blob) {
        return BlobRefs.structure(db, accountId, blob);
    }

    @Override
    public java.util.Map<Long, byte[]> structures(long mailboxId, long fromUid, long toUid, int limit) {
        checkOwned(mailboxId);
        return MessageQueries.structures(db, mailboxId, fromUid, toUid, limit);
    }
}
