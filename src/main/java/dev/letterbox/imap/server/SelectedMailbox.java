package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.store.FlagState;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
    /** Messages read per store transaction while bringing the view up to date. */
    private static final int PAGE = 1000;

    final long id;
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

    SelectedMailbox(long id, long uidValidity, boolean readOnly, UidMap uids, Ranges recent, long knownModSeq,
                    List<String> keywords) {
        this.id = id;
        this.uidValidity = uidValidity;
        this.readOnly = readOnly;
        this.uids = uids;
        this.recent = recent;
        this.knownModSeq = knownModSeq;
        this.keywords = List.copyOf(keywords);
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

    /**
     * True when every MODSEQ after {@code since} up to {@code highest} came from this session's own
     * writes (a mailbox hands out MODSEQs one after the other): nothing to look up or report, which
     * spares the queries a sync would make after each STORE.
     */
    private boolean onlyOwnChanges(long since, long highest) {
        if (highest - since > ownModSeqs.length) return false;
        for (long m = since + 1; m <= highest; m++) if (!isOwn(m)) return false;
        return true;
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
     * Reads what changed since {@link #knownModSeq} and reports it: EXPUNGE/VANISHED (only when
     * {@code expunges}), then EXISTS (and RECENT), then FETCH for flags other sessions changed.
     * Returns false when the mailbox no longer exists (or was recreated).
     */
    boolean sync(ImapSession s, boolean expunges) throws IOException {
        MailStore store = s.service.store;
        long account = s.account().id();
        long oldMax = uids.maxUid();
        long since = knownModSeq;
        record Snapshot(Mailbox mailbox, long[] expunged, long[] added, long recentMark, boolean foreign) {}
        Snapshot snap = store.read(account, tx -> {
            Optional<Mailbox> mb = tx.mailbox(id);
            if (mb.isEmpty() || mb.get().uidValidity() != uidValidity) return null;
            if (onlyOwnChanges(since, mb.get().highestModSeq())) {
                return new Snapshot(mb.get(), new long[0], new long[0], 0, false);
            }
            long[] expunged = tx.expungedSince(id, since);
            List<Long> added = new ArrayList<>();
            long from = oldMax + 1;
            while (true) {
                List<FlagState> page = tx.flagStates(id, from, Long.MAX_VALUE, PAGE);
                for (FlagState m : page) added.add(m.uid());
                if (page.size() < PAGE) break;
                from = page.get(page.size() - 1).uid() + 1;
            }
            return new Snapshot(mb.get(), expunged, added.stream().mapToLong(Long::longValue).toArray(),
                    added.isEmpty() ? 0 : tx.recentMark(id), true);
        });
        if (snap == null) return false;

        if (snap.expunged.length > 0) {
            pendingExpunges = pendingExpunges.union(uids.intersect(Ranges.of(snap.expunged)));
        }
        if (expunges && !pendingExpunges.isEmpty()) {
            reportExpunges(s, pendingExpunges);
            uids.removeAll(pendingExpunges);
            pendingExpunges = Ranges.EMPTY;
        }
        if (snap.added.length > 0) {
            for (long uid : snap.added) uids.append(uid);
            uids.trim();
            claimRecent(s, snap.added, snap.recentMark);
            s.out.numbered(uids.size(), "EXISTS");
            if (!s.rev2) s.out.numbered(recentCount(), "RECENT");
        }
        if (snap.foreign) reportFlagChanges(s, since, oldMax);
        knownModSeq = Math.max(knownModSeq, snap.mailbox.highestModSeq());
        ownModSeqs = new long[0];
        return true;
    }

    /** RFC 3501 §7.4.1 EXPUNGE, highest number first so no number shifts; RFC 7162 §3.2.10 VANISHED under QRESYNC. */
    void reportExpunges(ImapSession s, Ranges gone) throws IOException {
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
    private void claimRecent(ImapSession s, long[] added, long storedMark) {
        if (readOnly || s.rev2 || added.length == 0) return;
        long upTo = added[added.length - 1] + 1;
        if (storedMark >= upTo) return;
        long mark = SelectCommands.claimRecent(s, id, upTo);
        Ranges.Builder b = new Ranges.Builder();
        for (int i = 0; i < recent.rangeCount(); i++) b.add(recent.low(i), recent.high(i));
        for (long uid : added) {
            if (uid >= mark && uid > recent.max()) {
                b.add(uid);
            }
        }
        recent = b.build();
    }

    /** FETCH (UID FLAGS [MODSEQ]) for messages whose flags another session changed. */
    private void reportFlagChanges(ImapSession s, long since, long oldMax) throws IOException {
        long after = 0;
        while (true) {
            long from = after;
            List<MessageMeta> page = s.service.store.read(s.account().id(), tx -> tx.changedSince(id, since, from, PAGE));
            for (MessageMeta m : page) {
                if (m.uid() > oldMax || isOwn(m.modSeq())) continue; // new ones were announced by EXISTS
                int msn = uids.msnOf(m.uid());
                if (msn == 0) continue;
                announceKeywords(s, m.flags());
                flagsResponse(s, msn, m);
            }
            if (page.size() < PAGE) return;
            after = page.get(page.size() - 1).uid();
        }
    }

    /** An untagged FETCH with a message's flags, as after a flag change (RFC 3501 §7.4.2, RFC 7162 §3.1.4). */
    void flagsResponse(ImapSession s, int msn, MessageMeta m) throws IOException {
        s.out.star().number(msn).atom("FETCH").open().atom("UID").number(m.uid()).atom("FLAGS");
        writeFlags(s, m.uid(), m.flags());
        if (s.condstore) s.out.atom("MODSEQ").open().number(m.modSeq()).close();
        s.out.close().end();
    }

    /** The flag list of one message: its stored flags, plus \Recent where it is recent here (IMAP4rev1). */
    void writeFlags(ImapSession s, long uid, Flags flags) throws IOException {
        s.out.open();
        for (String f : flags.names()) s.out.atom(f);
        if (!s.rev2 && isRecent(uid)) s.out.atom("\\Recent");
        s.out.close();
    }

    /** RFC 3501 §7.2.6: a keyword the client was not told about yet means a new FLAGS response. */
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
