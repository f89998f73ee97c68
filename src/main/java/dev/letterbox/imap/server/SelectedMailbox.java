package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.Rights;
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
 *
 * <p>A model without I/O: {@link ViewUpdates} reads what changed (the mailbox's shared index, the
 * \Recent claim in the store), hands it in and writes the responses; the view records what the
 * client has been told.
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
    /**
     * The mailbox's shared index on this node, held while the mailbox is selected; the session lets
     * go of it when deselecting. The view never reads it: what changed there is handed in.
     */
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

    /** Whether this session produced the change at {@code modSeq} and answered it already. */
    boolean isOwn(long modSeq) {
        for (long m : ownModSeqs) if (m == modSeq) return true;
        return false;
    }

    /** Messages this session removed itself (EXPUNGE, MOVE): already reported, drop from the view. */
    void removeReported(Ranges removed) {
        uids.removeAll(removed);
        pendingExpunges = pendingExpunges.minus(removed);
    }

    /** Expunges by other sessions not reported yet (see {@link #isGhost}). */
    Ranges pendingExpunges() {
        return pendingExpunges;
    }

    /** Messages of the view another session expunged: they stay numbered, as ghosts, until reported. */
    void expungedElsewhere(Ranges expunged) {
        if (!expunged.isEmpty()) pendingExpunges = pendingExpunges.union(expunged);
    }

    /** New messages, once EXISTS is about to announce them; {@code added} ascending, above every UID of the view. */
    void arrived(long[] added) {
        for (long uid : added) uids.append(uid);
        uids.trim();
    }

    /**
     * Of the messages that just {@link #arrived}, those from {@code mark} on are \Recent here: this
     * session claimed them (RFC 3501 §2.3.2).
     */
    void claimedRecent(long[] added, long mark) {
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
     * UIDs from {@code mark} up to {@code upTo} (exclusive), above every UID of the view, are \Recent
     * here: this session claimed them before they {@link #arrived} (with its own APPEND).
     */
    void claimedAhead(long mark, long upTo) {
        long from = Math.max(mark, uids.maxUid() + 1);
        if (from >= upTo) return;
        recent = recent.union(new Ranges.Builder().add(from, upTo - 1).build());
    }

    /** Every change up to {@code modSeq} has been reported: this session's own are forgotten. */
    void reportedUpTo(long modSeq) {
        knownModSeq = Math.max(knownModSeq, modSeq);
        ownModSeqs = new long[0];
    }

    /** A message's flags as this session has them: the stored ones, with its own \Seen in another's mailbox. */
    Flags shown(long uid, Flags stored) {
        return privateSeen == null ? stored : privateSeen.shown(uid, stored);
    }

    /**
     * Adds the keywords of {@code flags} the client was not told of to those announced; true when
     * there were any (RFC 3501 §7.2.6: a new FLAGS response is due).
     */
    boolean learnKeywords(Flags flags) {
        if (flags.keywords().isEmpty()) return false;
        TreeSet<String> all = null;
        for (String k : flags.keywords()) {
            if (keywords.stream().noneMatch(k::equalsIgnoreCase)) {
                if (all == null) all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                all.add(k);
            }
        }
        if (all == null) return false;
        all.addAll(keywords);
        keywords = List.copyOf(all);
        return true;
    }
}
