package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Ranges;
import dev.letterbox.store.MailboxIndex;
import java.util.OptionalLong;

/**
 * RFC 9394 §3.2 FETCH's PARTIAL modifier: of the messages the set names (those changed since
 * CHANGEDSINCE, when it is given too), in ascending UID order, only the ones at the range's positions
 * are answered for; "-1:-50" counts from the last. A range past the end answers for none.
 */
final class FetchPartial {
    private static final int PAGE = 1000;

    private FetchPartial() {}

    static Ranges of(SelectedMailbox view, Ranges uids, ImapCommand.PartialRange range, OptionalLong changedSince) {
        Ranges candidates = changedSince.isPresent() ? changedSince(view, uids, changedSince.getAsLong()) : uids;
        return EsearchResult.partialOf(candidates, range);
    }

    /** The UIDs of {@code uids} whose MODSEQ is above {@code since}, from the mailbox's index a page at a time. */
    private static Ranges changedSince(SelectedMailbox view, Ranges uids, long since) {
        Ranges.Builder out = new Ranges.Builder();
        MailboxIndex.Page page = new MailboxIndex.Page((int) Math.max(1, Math.min(PAGE, uids.size())));
        for (int i = 0; i < uids.rangeCount(); i++) {
            long from = uids.low(i), to = uids.high(i);
            while (from <= to) {
                view.index.read(from, to, page);
                for (int j = 0; j < page.count; j++) {
                    if (page.modSeqs[j] > since && view.uids.contains(page.uids[j])) out.add(page.uids[j], page.uids[j]);
                }
                if (page.count < page.capacity()) break;
                from = page.uids[page.count - 1] + 1;
            }
        }
        return out.build();
    }
}
