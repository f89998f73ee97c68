package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.store.ReadTx;

/**
 * The UIDs that vanished from a mailbox since a MODSEQ (RFC 7162 VANISHED), in one read. While the
 * store still has the tombstones that is exactly the UIDs expunged after it; from before the
 * store's horizon (tombstones are pruned after a while) it is every UID below UIDNEXT that does not
 * exist now, which RFC 7162 §3.2.10 allows: VANISHED may name UIDs that never existed.
 */
final class Vanished {
    private Vanished() {}

    static Ranges since(ReadTx tx, long mailboxId, long modSeq) {
        if (modSeq >= tx.vanishedHorizon(mailboxId)) return Ranges.of(tx.expungedSince(mailboxId, modSeq));
        long uidNext = tx.mailbox(mailboxId).orElseThrow().uidNext();
        Ranges everyUid = new Ranges.Builder().add(1, uidNext - 1).build();
        return everyUid.minus(Ranges.of(tx.uids(mailboxId)));
    }
}
