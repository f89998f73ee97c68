package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.store.FlagState;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.Rights;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * One session's view of its selected mailbox: which UIDs it has announced (their sequence numbers),
 * which of them are \Recent for it, and up to which MODSEQ it has told the client about changes.
 *
 * <p>Invariants: the view grows only when EXISTS is sent and shrinks only when EXPUNGE (or
 * VANISHED) is sent, so sequence numbers stay what the client believes they are between those
 * responses. Expunges by other sessions wait in {@link #pendingExpunges} until a command that may
 * carry them (RFC 3501 §7.4.1); meanwhile those messages are "ghosts": still numbered, no longer
 * readable. All access is under the session's lock.
 */
final class SelectedMailbox {
    final long id;
    /** The account whose mailbox this is: the session's own, or another's that shared it. */
    final long ownerId;
    /** What the session may do here (RFC 4314); every right in its own mailboxes. */
    final Rights rights;
    final long uidValidity;
    final boolean readOnly;
    final UidMap uids;
    /** UIDs that are \Recent for this session. */
    private Ranges recent;
    /** Every change with a MODSEQ up to this one has been reported (or is pending in this view). */
    private long knownModSeq;
    /** MODSEQs of this session's own flag changes, already answered with FETCH (not reported twice). */
    private long[] ownModSeqs = new long[0];
    private Ranges pendingExpunges = Ranges.EMPTY;
    /** The keywords announced in FLAGS; grows when another session introduces a new one. */
    private List<String> keywords;
    /** RFC 5182 SEARCHRES: the UIDs saved by SEARCH RETURN (SAVE), or null when none was saved. */
    Ranges savedSearch;
    /** The session's own \Seen in another account's mailbox; null in its own mailboxes. */
    PrivateSeen privateSeen;
    /** RFC 5267 CONTEXT=SEARCH/SORT results kept up to date for this selection. */
    final SearchUpdates updates = new SearchUpdates();
    /** The mailbox's shared index on this node, held while the mailbox is selected (see {@link #close}). */
    final MailboxIndex index;

    SelectedMailbox(long id, long ownerId, Rights rights, long uidValidity, boolean readOnly, UidMap uids, Ranges recent,
                    long knownModSeq, List<String> keywords, MailboxIndex index) {
        this.id = id;
        this.ownerId = ownerId;
        this.rights = rights;
        this.index = index;
        this.uidValidity = uidValidity;
        this.readOnly = readOnly;
        this.uids = uids;
        this.recent = recent;
        this.knownModSeq = knownModSeq;
        this.keywords = List.copyOf(keywords);
    }

    /** Lets go of the shared index (the mailbox is no longer selected). */
    void close() {
        index.close();
    }

    /** Every change up to this MODSEQ has been reported to the client (or waits in this view). */
    long knownModSeq() {
        return knownModSeq;
    }

    boolean isRecent(long uid) {
        return recent.contains(uid);
    }

    long recentCount() {
        return uids.intersect(recent).size();
    }

    List<String> keywords() {
        return keywords;
    }

    boolean hasPendingExpunges() {
        return !pendingExpunges.isEmpty();
    }

    /** True when {@code uid} was expunged by another session and the client has not been told yet. */
    boolean isGhost(long uid) {
        return pendingExpunges.contains(uid);
    }

    /** Remembers a MODSEQ this session produced and reported itself (STORE, \Seen by FETCH). */
    void ownChange(long modSeq) {
        if (isOwn(modSeq)) return; // one write gives all its messages the same MODSEQ
        if (ownModSeqs.length >= 64) ownModSeqs = new long[0]; // bounded: at worst a change is reported twice
        ownModSeqs = Arrays.copyOf(ownModSeqs, ownModSeqs.length + 1);
        ownModSeqs[ownModSeqs.length - 1] = modSeq;
    }

    private boolean isOwn(long modSeq) {
        for (long m : ownModSeqs) if (m == modSeq) return true;
        return false;
    }

    /** Messages this session removed itself (EXPUNGE, MOVE): already reported, drop from the view. */
    void removeReported(Ranges removed) {
        uids.removeAll(removed);
        pendingExpunges = pendingExpunges.minus(removed);
    }

    /**
     * Brings the view up to date from the mailbox's shared index (in memory: no store read unless new
     * messages need a \Recent claim) and reports it: EXPUNGE/VANISHED (only when {@code expunges}),
     * then EXISTS (and RECENT), then FETCH for flags other sessions changed (also this user's private
     * \Seen, changed by another of its sessions). Returns false when the
     * mailbox no longer exists (or was recreated).
     */
    boolean sync(ImapSession s, boolean expunges) throws IOException {
        long oldMax = uids.maxUid();
        long since = knownModSeq;
        MailboxIndex.Changes changes = index.changesSince(since, oldMax);
        if (changes.gone()) return false;
        Ranges expunged = changes.expunged() != null ? uids.intersect(Ranges.of(changes.expunged()))
                : uids.all().minus(Ranges.of(changes.uidsNow())); // further back than the index remembers
        if (!expunged.isEmpty()) pendingExpunges = pendingExpunges.union(expunged);
        if (expunges && !pendingExpunges.isEmpty()) {
            reportExpunges(s, pendingExpunges);
            uids.removeAll(pendingExpunges);
            pendingExpunges = Ranges.EMPTY;
        }
        long[] added = changes.added();
        if (added.length > 0) {
            for (long uid : added) uids.append(uid);
            uids.trim();
            claimRecent(s, added);
            s.out.numbered(uids.size(), "EXISTS");
            if (!s.rev2) s.out.numbered(recentCount(), "RECENT");
        }
        for (FlagState m : changes.changed()) {
            if (isOwn(m.modSeq())) continue; // this session answered its own change already
            int msn = uids.msnOf(m.uid());
            if (msn > 0) flagsResponse(s, msn, m.uid(), m.modSeq(), m.flags());
        }
        if (privateSeen != null && s.takePrivateFlagsChanged()) privateSeen.refresh(s, this);
        knownModSeq = Math.max(knownModSeq, changes.highestModSeq());
        ownModSeqs = new long[0];
        return true;
    }

    /** RFC 3501 §7.4.1 EXPUNGE, highest number first so no number shifts; RFC 7162 §3.2.10 VANISHED under QRESYNC. */
    void reportExpunges(ImapSession s, Ranges gone) throws IOException {
        updates.expunging(s, this, gone);
        if (s.qresync) {
            s.out.star().atom("VANISHED").atom(gone.toString()).end();
            return;
        }
        for (int r = gone.rangeCount() - 1; r >= 0; r--) {
            for (long uid = gone.high(r); uid >= gone.low(r); uid--) {
                int msn = uids.msnOf(uid);
                if (msn > 0) s.out.numbered(msn, "EXPUNGE");
            }
        }
    }

    /**
     * New messages are \Recent for the first read-write session that sees them (RFC 3501 §2.3.2):
     * those this session claims in the store (see {@link SelectCommands#claimRecent}). When the
     * mark as read with them is already past them, another session has them and nothing is written.
     */
    private void claimRecent(ImapSession s, long[] added) {
        if (readOnly || s.rev2 || added.length == 0) return;
        long upTo = added[added.length - 1] + 1;
        long storedMark = s.service.store.readOne(ownerId, tx -> tx.recentMark(id)); // one query: no transaction
        if (storedMark >= upTo) return;
        long mark = SelectCommands.claimRecent(s, ownerId, id, upTo);
        Ranges.Builder b = new Ranges.Builder();
        for (int i = 0; i < recent.rangeCount(); i++) b.add(recent.low(i), recent.high(i));
        for (long uid : added) {
            if (uid >= mark && uid > recent.max()) {
                b.add(uid);
            }
        }
        recent = b.build();
    }

    /**
     * An untagged FETCH with a message's flags, as after a flag change (RFC 3501 §7.4.2, RFC 7162
     * §3.1.4), preceded by FLAGS when it carries a keyword the client was not told of.
     */
    void flagsResponse(ImapSession s, int msn, long uid, long modSeq, Flags flags) throws IOException {
        announceKeywords(s, flags);
        s.out.star().number(msn).atom("FETCH").open().atom("UID").number(uid).atom("FLAGS");
        writeFlags(s, uid, flags);
        if (s.condstore) s.out.atom("MODSEQ").open().number(modSeq).close();
        s.out.close().end();
    }

    /** A message's flags as this session has them: the stored ones, with its own \Seen in another's mailbox. */
    Flags shown(long uid, Flags stored) {
        return privateSeen == null ? stored : privateSeen.shown(uid, stored);
    }

    /** The flag list of one message: its stored flags, plus \Recent where it is recent here (IMAP4rev1). */
    void writeFlags(ImapSession s, long uid, Flags stored) throws IOException {
        Flags flags = shown(uid, stored);
        s.out.open();
        int system = flags.system(); // not flags.names(): a FETCH 1:* writes this for every message
        for (int i = 0; i < Flags.SYSTEM_COUNT; i++) if ((system & (1 << i)) != 0) s.out.atom(Flags.systemName(i));
        for (String k : flags.keywords()) s.out.atom(k);
        if (!s.rev2 && isRecent(uid)) s.out.atom("\\Recent");
        s.out.close();
    }

    /**
     * RFC 3501 §7.2.6: a keyword the client was not told about yet means a new FLAGS response, which
     * must come before the FETCH response that carries the keyword starts.
     */
    void announceKeywords(ImapSession s, Flags flags) throws IOException {
        if (flags.keywords().isEmpty()) return;
        TreeSet<String> all = null;
        for (String k : flags.keywords()) {
            if (keywords.stream().noneMatch(k::equalsIgnoreCase)) {
                if (all == null) all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                all.add(k);
            }
        }
        if (all == null) return;
        all.addAll(keywords);
        keywords = List.copyOf(all);
        writeFlagsResponse(s);
    }

    void writeFlagsResponse(ImapSession s) throws IOException {
        s.out.star().atom("FLAGS").open();
        for (String f : Flags.ofSystem(Flags.SEEN | Flags.ANSWERED | Flags.FLAGGED | Flags.DELETED | Flags.DRAFT).names()) {
            s.out.atom(f);
        }
        for (String k : keywords) s.out.atom(k);
        s.out.close().end();
    }
}
