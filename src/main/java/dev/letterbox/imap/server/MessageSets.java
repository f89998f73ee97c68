package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.SequenceSet;

/** Turns a client's sequence set (by number or by UID, or "$") into UIDs of the selected view. */
final class MessageSets {
    private MessageSets() {}

    /** The resolved UIDs, or the BAD text saying why the set is unusable. */
    record Resolved(Ranges uids, String error) {}

    /**
     * RFC 3501 §9 / §6.4.8: message numbers beyond the mailbox are an error ('*' on an empty mailbox
     * too); UIDs simply select what exists ("UID n:*" includes the largest UID). "$" is the result
     * saved by SEARCH RETURN (SAVE) (RFC 5182), empty when none was saved.
     */
    static Resolved resolve(SelectedMailbox view, boolean byUid, SequenceSet set) {
        if (set.isSaved()) {
            return new Resolved(view.savedSearch == null ? Ranges.EMPTY : view.uids.intersect(view.savedSearch), null);
        }
        if (byUid) return new Resolved(view.uids.intersect(set.resolve(view.uids.maxUid())), null);
        int size = view.uids.size();
        if (size == 0) return new Resolved(null, "No messages in the mailbox");
        if (set.largestExplicit() > size) {
            return new Resolved(null, "Invalid message sequence number " + set.largestExplicit() + " (the mailbox has " + size + ")");
        }
        return new Resolved(view.uids.uidsOfMsns(set.resolve(size)), null);
    }
}
