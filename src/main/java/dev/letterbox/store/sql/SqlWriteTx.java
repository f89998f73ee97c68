package dev.letterbox.store.sql;

import dev.letterbox.store.Account;
import dev.letterbox.store.AppendResult;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.Change;
import dev.letterbox.store.CopyResult;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxException.Reason;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.NewMessage;
import dev.letterbox.store.SpecialUse;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.WriteTx;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One unit of work of one account, run by the writer inside its own savepoint. Each mailbox whose
 * messages the unit changes gets one new MODSEQ, taken at the first change and shared by every
 * message and tombstone the unit touches there (RFC 7162 allows equal MODSEQs in one transaction).
 */
final class SqlWriteTx extends SqlReadTx implements WriteTx {
    /** Mailboxes per account; beyond that createMailbox answers LIMIT. */
    static final int MAX_MAILBOXES = 10_000;
    /** UIDs are 32-bit in IMAP (RFC 3501 nz-number). */
    static final long MAX_UID = 0xFFFF_FFFFL;

    private final UnitEffects effects;
    private final SqlBlobStore blobs;
    /** Mailbox rows this unit took UIDs from, so holds locked until it ends: their UIDNEXT and \Recent mark. */
    private final Map<Long, HeldRow> held = new HashMap<>();

    /** A held mailbox row as it stands in this unit (the mark as this unit's own claims left it). */
    private record HeldRow(long uidNext, long recentMark) {}

    SqlWriteTx(SqlSession db, Dialect dialect, long accountId, UnitEffects effects, SqlBlobStore blobs) {
        super(db, dialect, accountId, blobs.cache());
        this.effects = effects;
        this.blobs = blobs;
    }

    @Override
    public Mailbox createMailbox(String name, Optional<SpecialUse> use) {
        String canonical = MailboxNames.canonicalNew(name);
        account(); // NOT_FOUND for a removed account, before any insert
        if (MailboxQueries.byName(db, accountId, canonical).isPresent()) {
            throw new MailboxException(Reason.ALREADY_EXISTS, "mailbox already exists");
        }
        List<String> missing = new ArrayList<>();
        for (String parent : MailboxNames.parents(canonical)) {
            if (MailboxQueries.byName(db, accountId, parent).isEmpty()) missing.add(parent);
        }
        if (MailboxQueries.count(db, accountId) + missing.size() + 1 > MAX_MAILBOXES) {
            throw new MailboxException(Reason.LIMIT, "too many mailboxes");
        }
        for (String parent : missing) MailboxQueries.insert(db, accountId, parent, Optional.empty());
        effects.changed(new Change.MailboxList(accountId));
        return MailboxQueries.insert(db, accountId, canonical, use);
    }

    @Override
    public void deleteMailbox(long mailboxId) {
        Mailbox mailbox = MailboxQueries.lock(db, dialect, accountId, mailboxId);
        if (mailbox.isInbox()) throw new MailboxException(Reason.NOT_ALLOWED, "INBOX cannot be deleted");
        long[] countAndSize = MessageQueries.countAndSize(db, mailboxId);
        for (String blob : MessageQueries.blobs(db, mailboxId)) effects.released(blob);
        MessageQueries.deleteAll(db, mailboxId);
        MailboxQueries.delete(db, mailboxId);
        SqlDirectory.addUsage(db, accountId, -countAndSize[1], -countAndSize[0]);
        forget(mailboxId);
        effects.changed(new Change.MailboxContent(accountId, mailboxId));
        effects.changed(new Change.MailboxList(accountId));
    }

    @Override
    public void renameMailbox(String oldName, String newName) {
        Mailbox source = mailbox(oldName).orElseThrow(MailboxQueries::nonexistent);
        String target = MailboxNames.canonicalNew(newName);
        if (MailboxQueries.byName(db, accountId, target).isPresent()) {
            throw new MailboxException(Reason.ALREADY_EXISTS, "mailbox already exists");
        }
        if (source.isInbox()) {
            renameInbox(source, target);
            return;
        }
        if (MailboxNames.isSelfOrBelow(target, source.name())) {
            throw new MailboxException(Reason.NOT_ALLOWED, "a mailbox cannot be moved below itself");
        }
        List<Mailbox> moving = new ArrayList<>();
        for (Mailbox m : MailboxQueries.all(db, accountId)) {
            if (MailboxNames.isSelfOrBelow(m.name(), source.name())) moving.add(m);
        }
        List<String> newNames = new ArrayList<>();
        for (Mailbox m : moving) {
            String renamed = MailboxNames.canonical(target + m.name().substring(source.name().length()));
            if (!m.equals(source) && MailboxQueries.byName(db, accountId, renamed).isPresent()) {
                throw new MailboxException(Reason.ALREADY_EXISTS, "mailbox " + renamed + " already exists");
            }
            newNames.add(renamed);
        }
        for (String parent : MailboxNames.parents(target)) {
            if (MailboxQueries.byName(db, accountId, parent).isEmpty()) {
                MailboxQueries.insert(db, accountId, parent, Optional.empty());
            }
        }
        for (int i = 0; i < moving.size(); i++) MailboxQueries.rename(db, moving.get(i).id(), newNames.get(i));
        // Subscriptions follow the mailboxes, as clients expect to keep seeing the renamed folder.
        for (String subscribed : MailboxQueries.subscriptions(db, accountId)) {
            if (MailboxNames.isSelfOrBelow(subscribed, source.name())) {
                MailboxQueries.unsubscribe(db, accountId, subscribed);
                MailboxQueries.subscribe(db, accountId, target + subscribed.substring(source.name().length()));
            }
        }
        effects.changed(new Change.MailboxList(accountId));
    }

    /** RFC 3501 §6.3.5: the messages move to a new mailbox; INBOX stays, empty; its children stay. */
    private void renameInbox(Mailbox inbox, String target) {
        Mailbox created = createMailbox(target, Optional.empty());
        // locked, as MOVE's source is: the expunge below may take its MODSEQ from what the lock read
        Mailbox locked = MailboxQueries.lock(db, dialect, accountId, inbox.id());
        copyMessages(locked, MessageQueries.uids(db, accountId, inbox.id()), created, false, true);
    }

    @Override
    public void setSubscribed(String name, boolean subscribed) {
        String canonical = MailboxNames.canonical(name);
        if (subscribed) MailboxQueries.subscribe(db, accountId, canonical);
        else MailboxQueries.unsubscribe(db, accountId, canonical);
        effects.changed(new Change.MailboxList(accountId));
    }

    /**
     * Three statements on PostgreSQL, four on SQLite: taking the UID (and the unit's MODSEQ) locks
     * the mailbox, charging the quota checks it, then the blob's and the message's rows (one
     * statement where the dialect can); each refusal comes before anything is written.
     */
    @Override
    public AppendResult append(long mailboxId, NewMessage message) {
        checkKeywords(message.flags());
        checkBlob(message);
        return store(mailboxId, takeUids(mailboxId, 1), message);
    }

    /**
     * By name, the UID taken in the same statement that finds the mailbox (a delivery's unit is
     * usually this one append); a unit that has changed a mailbox already goes by id, since that
     * mailbox may be this one and its MODSEQ is taken.
     */
    @Override
    public AppendResult append(String mailboxName, NewMessage message) {
        String name = MailboxNames.lookupForm(mailboxName).orElseThrow(MailboxQueries::nonexistent);
        if (effects.tookModSeqs()) return append(mailbox(name).orElseThrow(MailboxQueries::nonexistent).id(), message);
        checkKeywords(message.flags());
        checkBlob(message);
        if (dialect.dataModifyingWith) return appendInOneStatement(name, message);
        MailboxQueries.TakenUids taken = MailboxQueries.takeUid(db, accountId, name, MAX_UID);
        hold(taken);
        effects.modSeq(taken.mailboxId(), taken.highestModSeq());
        effects.changed(new Change.MailboxContent(accountId, taken.mailboxId()));
        return store(taken.mailboxId(), taken, message);
    }

    /** {@link #append(String, NewMessage)} where the database runs it as one statement (see OneStatementAppend). */
    private AppendResult appendInOneStatement(String name, NewMessage message) {
        Instant now = Instant.now();
        Instant internalDate = message.internalDate() == null ? now : message.internalDate();
        byte[] content = blobs.stagedContent(message.blob());
        OneStatementAppend.Outcome done = OneStatementAppend.run(db, accountId, name, MAX_UID, message, content, internalDate, now)
                .orElseThrow(() -> MailboxQueries.noUidFrom(db, accountId, name));
        if (!done.charged()) throw chargeRefused(message.size(), 1);
        MailboxQueries.TakenUids taken = done.taken();
        hold(taken);
        effects.modSeq(taken.mailboxId(), taken.highestModSeq());
        effects.changed(new Change.MailboxContent(accountId, taken.mailboxId()));
        if (done.blobRowAdded()) BlobRefs.stored(blobs, effects, message.blob(), message.structure(), content);
        effects.added(accountId, taken.mailboxId(), taken.firstUid(), message.flags(), internalDate.toEpochMilli(), message.size());
        return new AppendResult(taken.mailboxId(), taken.uidValidity(), taken.firstUid(), taken.highestModSeq());
    }

    /** The rest of an append, once its UID is taken: the quota, the blob's row, the message's. */
    private AppendResult store(long mailboxId, MailboxQueries.TakenUids taken, NewMessage message) {
        charge(message.size(), 1);
        long uid = taken.firstUid();
        Instant now = Instant.now();
        Instant internalDate = message.internalDate() == null ? now : message.internalDate();
        BlobRefs.ensureRowAndInsert(db, dialect, blobs, effects, message.blob(), message.size(), message.structure(),
                MessageQueries.INSERT_COLUMNS, MessageQueries.values(mailboxId, uid, taken.highestModSeq(), message.flags(),
                        internalDate, now, message.size(), message.blob()));
        effects.added(accountId, mailboxId, uid, message.flags(), internalDate.toEpochMilli(), message.size());
        return new AppendResult(mailboxId, taken.uidValidity(), uid, taken.highestModSeq());
    }

    @Override
    public CopyResult copy(long sourceMailboxId, long[] uids, long targetMailboxId) {
        Mailbox[] both = lockBoth(sourceMailboxId, targetMailboxId);
        return copyMessages(both[0], uids, both[1], true, false);
    }

    @Override
    public CopyResult move(long sourceMailboxId, long[] uids, long targetMailboxId) {
        Mailbox[] both = lockBoth(sourceMailboxId, targetMailboxId);
        // Within one account a move changes no usage, so it is allowed even over quota (RFC 6851 §3.3
        // lets a client move mail to Trash to make room).
        return copyMessages(both[0], uids, both[1], false, true);
    }

    /** Locks two mailboxes in id order, so two units (or nodes) never wait for each other in a cycle. */
    private Mailbox[] lockBoth(long sourceId, long targetId) {
        if (sourceId == targetId) {
            Mailbox m = MailboxQueries.lock(db, dialect, accountId, sourceId);
            return new Mailbox[] {m, m};
        }
        Mailbox first = MailboxQueries.lock(db, dialect, accountId, Math.min(sourceId, targetId));
        Mailbox second = MailboxQueries.lock(db, dialect, accountId, Math.max(sourceId, targetId));
        return sourceId < targetId ? new Mailbox[] {first, second} : new Mailbox[] {second, first};
    }

    /** {@code source} and {@code target} as this unit locked them ({@link #lockBoth}). */
    private CopyResult copyMessages(Mailbox source, long[] uids, Mailbox target, boolean countsAgainstQuota,
                                    boolean expungeSource) {
        List<MessageMeta> found = MessageQueries.existing(db, dialect, source.id(), uids);
        if (found.isEmpty()) return new CopyResult(target.uidValidity(), new long[0], new long[0]);
        long total = 0;
        for (MessageMeta m : found) total += m.size();
        // From the row, not from target: an append earlier in this unit may have moved UIDNEXT.
        MailboxQueries.TakenUids taken = takeUids(target.id(), found.size());
        if (countsAgainstQuota) charge(total, found.size());
        else SqlDirectory.addUsage(db, accountId, total, found.size());
        long uidNext = taken.firstUid();
        long modSeq = taken.highestModSeq();
        Instant now = Instant.now();
        long[] sourceUids = new long[found.size()];
        long[] targetUids = new long[found.size()];
        for (int i = 0; i < found.size(); i++) {
            MessageMeta m = found.get(i);
            sourceUids[i] = m.uid();
            targetUids[i] = uidNext + i;
            MessageQueries.insert(db, target.id(), targetUids[i], modSeq, m.flags(), m.internalDate(), now,
                    m.size(), m.blob());
            effects.added(accountId, target.id(), targetUids[i], m.flags(), m.internalDate().toEpochMilli(), m.size());
        }
        if (expungeSource) expungeFound(source.id(), found, source);
        return new CopyResult(target.uidValidity(), sourceUids, targetUids);
    }

    @Override
    public FlagUpdate storeFlags(long mailboxId, long[] uids, FlagUpdate.Mode mode, Flags flags,
                                 OptionalLong unchangedSince) {
        checkKeywords(flags);
        List<MessageMeta> changing = new ArrayList<>();
        List<Flags> updates = new ArrayList<>();
        long[] refused = new long[uids.length];
        int refusedCount = 0;
        MessageQueries.Locked locked = MessageQueries.lockedExisting(db, dialect, accountId, mailboxId, uids);
        for (MessageMeta m : locked.messages()) {
            // RFC 7162 §3.1.3: a message changed after UNCHANGEDSINCE is left alone and reported.
            if (unchangedSince.isPresent() && m.modSeq() > unchangedSince.getAsLong()) {
                refused[refusedCount++] = m.uid();
                continue;
            }
            Flags updated = switch (mode) {
                case ADD -> m.flags().plus(flags);
                case REMOVE -> m.flags().minus(flags);
                case REPLACE -> flags;
            };
            if (updated.equals(m.flags())) continue; // untouched: its MODSEQ stays
            changing.add(m);
            updates.add(updated);
        }
        long modSeq = setFlags(locked.mailbox(), changing, updates);
        List<MessageMeta> changed = new ArrayList<>(changing.size());
        for (int i = 0; i < changing.size(); i++) {
            MessageMeta m = changing.get(i);
            Flags updated = updates.get(i);
            effects.indexOp(accountId, mailboxId, new IndexDelta.FlagsSet(m.uid(), updated));
            changed.add(new MessageMeta(m.uid(), modSeq, updated, m.internalDate(), m.savedDate(), m.size(), m.blob()));
        }
        return new FlagUpdate(List.copyOf(changed), Arrays.copyOf(refused, refusedCount));
    }

    /**
     * Writes the new flags, a statement per distinct new set of flags (a STORE of +FLAGS \Seen on a
     * thousand messages is one or a few), and returns the unit's MODSEQ (0 when nothing changes).
     * {@code locked}: the mailbox as this unit locked it.
     *
     * <p>PostgreSQL: the statements are deferred to the unit's COMMIT (or the next unit's first
     * statement), a round trip less for every STORE: their answers are not needed, since the unit
     * holds the mailbox locked and so knows the MODSEQ they take (one above the HIGHESTMODSEQ it read).
     */
    private long setFlags(Mailbox locked, List<MessageMeta> messages, List<Flags> updates) {
        long mailboxId = locked.id();
        // grouped by what is stored, not by Flags.equals: keywords compare case-insensitively, and
        // each message keeps its own spelling of one
        record Stored(int system, String keywords) {}
        Map<Stored, List<Long>> byFlags = new LinkedHashMap<>();
        Map<Stored, Flags> flagsOf = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            Flags f = updates.get(i);
            Stored key = new Stored(f.system(), f.keywordString());
            flagsOf.putIfAbsent(key, f);
            byFlags.computeIfAbsent(key, k -> new ArrayList<>()).add(messages.get(i).uid());
        }
        long modSeq = 0;
        for (Map.Entry<Stored, List<Long>> e : byFlags.entrySet()) {
            long[] group = e.getValue().stream().mapToLong(Long::longValue).toArray();
            Flags f = flagsOf.get(e.getKey());
            if (dialect == Dialect.POSTGRESQL) {
                Long taken = effects.modSeq(mailboxId);
                modSeq = taken != null ? taken : locked.highestModSeq() + 1;
                MessageQueries.deferSetFlags(db, dialect, mailboxId, group, modSeq, f, taken == null);
                if (taken == null) tookModSeq(mailboxId, modSeq);
            } else {
                modSeq = modSeq(mailboxId);
                MessageQueries.setFlags(db, dialect, mailboxId, group, modSeq, f);
            }
        }
        return modSeq;
    }

    @Override
    public long[] expunge(long mailboxId, long[] uids) {
        MessageQueries.Locked locked = MessageQueries.lockedExisting(db, dialect, accountId, mailboxId, uids);
        List<MessageMeta> found = locked.messages();
        expungeFound(mailboxId, found, locked.mailbox());
        long[] removed = new long[found.size()];
        for (int i = 0; i < removed.length; i++) removed[i] = found.get(i).uid();
        return removed;
    }

    /**
     * {@code locked}: the mailbox as this unit locked it, or null. With it, on PostgreSQL, when every
     * body lives in its blob row, the statement is deferred to the COMMIT (or the next unit's first
     * statement), a round trip less: its MODSEQ is one above the HIGHESTMODSEQ the unit read, and no
     * blob's bytes wait for deletion after the commit, whichever rows it drops.
     */
    private void expungeFound(long mailboxId, List<MessageMeta> found, Mailbox locked) {
        if (found.isEmpty()) return;
        long total = 0;
        long[] uids = new long[found.size()];
        boolean allInline = true;
        for (int i = 0; i < uids.length; i++) {
            MessageMeta m = found.get(i);
            uids[i] = m.uid();
            total += m.size();
            allInline &= SqlBlobStore.isInline(m.blob());
            effects.indexOp(accountId, mailboxId, new IndexDelta.Expunged(m.uid()));
        }
        if (locked != null && allInline && dialect == Dialect.POSTGRESQL && effects.modSeq(mailboxId) == null) {
            long modSeq = locked.highestModSeq() + 1;
            MessageQueries.deferExpungeSettingModSeq(db, dialect, mailboxId, uids, modSeq, accountId, total, found.size());
            tookModSeq(mailboxId, modSeq);
        } else if (takesModSeqInline(mailboxId)) { // the usage and the blobs' rows too, in the same statement
            MessageQueries.Expunged done = MessageQueries.expungeTakingModSeq(db, dialect, mailboxId, uids, accountId,
                    total, found.size());
            tookModSeq(mailboxId, done.modSeq());
            for (String blob : done.droppedBlobs()) effects.dropped(new BlobId(blob));
        } else {
            MessageQueries.expunge(db, dialect, mailboxId, uids, modSeq(mailboxId));
            SqlDirectory.addUsage(db, accountId, -total, -found.size());
            for (MessageMeta m : found) effects.released(m.blob().value());
        }
    }

    @Override
    public long highestModSeq(long mailboxId) {
        Long taken = effects.modSeq(mailboxId); // a unit takes one MODSEQ per mailbox, the highest it has
        if (taken != null) return taken;
        return MailboxQueries.byId(db, accountId, mailboxId).orElseThrow(MailboxQueries::nonexistent).highestModSeq();
    }

    @Override
    public long claimRecent(long mailboxId) {
        return claimRecent(mailboxId, Long.MAX_VALUE);
    }

    @Override
    public long claimRecent(long mailboxId, long upTo) {
        if (held.containsKey(mailboxId)) return claimFromHeldRow(mailboxId, upTo);
        return MailboxQueries.claimRecent(db, dialect, accountId, mailboxId, upTo);
    }

    @Override
    public long claimRecent(long mailboxId, long seenMark, long upTo) {
        if (held.containsKey(mailboxId)) return claimFromHeldRow(mailboxId, upTo);
        if (upTo > seenMark && MailboxQueries.moveRecentMark(db, accountId, mailboxId, seenMark, upTo)) return seenMark;
        return claimRecent(mailboxId, upTo);
    }

    /**
     * A claim on a mailbox this unit appended to (the session's own APPEND to its selected mailbox):
     * the unit holds the row, so the mark it read with its UIDs is still the mark and the answer
     * needs no read. On PostgreSQL the update goes with the next statement or the COMMIT.
     */
    private long claimFromHeldRow(long mailboxId, long upTo) {
        HeldRow row = held.get(mailboxId);
        long mark = Math.min(upTo, row.uidNext());
        if (mark <= row.recentMark()) return row.recentMark();
        if (dialect == Dialect.POSTGRESQL) db.defer(MailboxQueries.SET_RECENT_MARK, mark, mailboxId);
        else db.update(MailboxQueries.SET_RECENT_MARK, mark, mailboxId);
        held.put(mailboxId, new HeldRow(row.uidNext(), mark));
        return row.recentMark();
    }

    /** Remembers a row this unit took UIDs from; its mark as first read, unless this unit moved it since. */
    private void hold(MailboxQueries.TakenUids taken) {
        HeldRow before = held.get(taken.mailboxId());
        held.put(taken.mailboxId(), new HeldRow(taken.uidNext(), before == null ? taken.recentMark() : before.recentMark()));
    }

    /** The unit's MODSEQ for the mailbox: raises HIGHESTMODSEQ at the first change only. */
    private long modSeq(long mailboxId) {
        Long taken = effects.modSeq(mailboxId);
        if (taken != null) return taken;
        long modSeq = MailboxQueries.bumpModSeq(db, mailboxId);
        tookModSeq(mailboxId, modSeq);
        return modSeq;
    }

    /**
     * Whether the unit's next change to the mailbox's messages takes its MODSEQ in the statement that
     * makes the change (one round trip less): its first change, where the dialect can.
     */
    private boolean takesModSeqInline(long mailboxId) {
        return dialect.dataModifyingWith && effects.modSeq(mailboxId) == null;
    }

    private void tookModSeq(long mailboxId, long modSeq) {
        effects.modSeq(mailboxId, modSeq);
        effects.changed(new Change.MailboxContent(accountId, mailboxId));
    }

    /**
     * The unit's MODSEQ for the mailbox with {@code count} UIDs taken in the same statement (see
     * {@link MailboxQueries#takeUids}): raises HIGHESTMODSEQ at the unit's first change only.
     */
    private MailboxQueries.TakenUids takeUids(long mailboxId, int count) {
        boolean first = effects.modSeq(mailboxId) == null;
        MailboxQueries.TakenUids taken = MailboxQueries.takeUids(db, accountId, mailboxId, count, first, MAX_UID);
        hold(taken);
        if (first) {
            effects.modSeq(mailboxId, taken.highestModSeq());
            effects.changed(new Change.MailboxContent(accountId, mailboxId));
        }
        return taken;
    }

    /**
     * Adds {@code moreBytes} and {@code moreMessages} to the account's usage unless that would pass
     * one of its quotas (OVER_QUOTA, nothing changed): the checks and the update in one statement, so
     * concurrent writers (threads, nodes) can never together pass a limit; the account is read only
     * to explain a refusal.
     */
    private void charge(long moreBytes, long moreMessages) {
        if (db.update("UPDATE account SET used_bytes = used_bytes + ?, used_messages = used_messages + ? WHERE id = ? "
                + "AND (quota_bytes <= 0 OR used_bytes + ? <= quota_bytes) "
                + "AND (quota_messages <= 0 OR used_messages + ? <= quota_messages)",
                moreBytes, moreMessages, accountId, moreBytes, moreMessages) > 0) {
            return;
        }
        throw chargeRefused(moreBytes, moreMessages);
    }

    /** Why charging the account failed: OVER_QUOTA, or NOT_FOUND (thrown) for a removed account. */
    private RuntimeException chargeRefused(long moreBytes, long moreMessages) {
        Account account = account(); // NOT_FOUND for a removed account
        if (account.wouldExceedQuota(moreBytes, moreMessages)) {
            return new MailboxException(Reason.OVER_QUOTA, "the mailbox quota would be exceeded");
        }
        return new StoreException("the quota of account " + accountId + " could not be charged");
    }

    /** The blob must be committed and exactly as long as the message says (RFC822.SIZE is trusted). */
    private void checkBlob(NewMessage message) {
        long actual;
        try {
            actual = blobs.sizeForWriter(db, message.blob());
        } catch (IOException e) {
            throw new StoreException("blob " + message.blob() + " is not stored", e);
        }
        if (actual != message.size()) {
            throw new IllegalArgumentException("message size " + message.size() + " differs from its blob's " + actual);
        }
    }

    /** Keywords are stored space-separated, so a keyword cannot contain a space (IMAP atoms never do). */
    private static void checkKeywords(Flags flags) {
        for (String k : flags.keywords()) {
            if (k.isEmpty() || k.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("invalid keyword");
            }
        }
    }
}
