package dev.letterbox.imap.server;

import dev.letterbox.imap.Ranges;
import dev.letterbox.store.FlagState;
import dev.letterbox.store.Flags;
import dev.letterbox.store.MailboxIndex;
import java.io.IOException;

/**
 * Tells the client what changed in its selected mailbox (RFC 3501 §7.4.1, §7.3.1, §7.4.2; RFC 7162
 * §3.2.10) and writes the flag responses every handler shares. The reading happens here (the shared
 * index, the \Recent claim in the store); {@link SelectedMailbox} only records what was reported.
 */
final class ViewUpdates {
    private ViewUpdates() {}

    /**
     * Brings the view up to date from the mailbox's shared index (in memory: no store read unless new
     * messages need a \Recent claim) and reports it: EXPUNGE/VANISHED (only when {@code expunges}),
     * then EXISTS (and RECENT), then FETCH for flags other sessions changed. Returns false when the
     * mailbox no longer exists (or was recreated).
     */
    static boolean sync(CommandContext ctx, SelectedMailbox view, boolean expunges) throws IOException {
        MailboxIndex.Changes changes = view.index.changesSince(view.knownModSeq(), view.uids.maxUid());
        if (changes.gone()) return false;
        view.expungedElsewhere(changes.expunged() != null ? view.uids.intersect(Ranges.of(changes.expunged()))
                : view.uids.all().minus(Ranges.of(changes.uidsNow()))); // further back than the index remembers
        if (expunges && view.hasPendingExpunges()) {
            Ranges gone = view.pendingExpunges();
            reportExpunges(ctx, view, gone);
            view.removeReported(gone);
        }
        long[] added = changes.added();
        if (added.length > 0) {
            view.arrived(added);
            claimRecent(ctx, view, added);
            ctx.out.numbered(view.uids.size(), "EXISTS");
            if (!ctx.enabled.rev2) ctx.out.numbered(view.recentCount(), "RECENT");
        }
        for (FlagState m : changes.changed()) {
            if (view.isOwn(m.modSeq())) continue; // this session answered its own change already
            int msn = view.uids.msnOf(m.uid());
            if (msn > 0) flagsResponse(ctx, view, msn, m.uid(), m.modSeq(), m.flags());
        }
        view.reportedUpTo(changes.highestModSeq());
        return true;
    }

    /** RFC 3501 §7.4.1 EXPUNGE, highest number first so no number shifts; RFC 7162 §3.2.10 VANISHED under QRESYNC. */
    static void reportExpunges(CommandContext ctx, SelectedMailbox view, Ranges gone) throws IOException {
        view.updates.expunging(ctx, view, gone);
        if (ctx.enabled.qresync) {
            ctx.out.star().atom("VANISHED").atom(gone.toString()).end();
            return;
        }
        for (int r = gone.rangeCount() - 1; r >= 0; r--) {
            for (long uid = gone.high(r); uid >= gone.low(r); uid--) {
                int msn = view.uids.msnOf(uid);
                if (msn > 0) ctx.out.numbered(msn, "EXPUNGE");
            }
        }
    }

    /**
     * New messages are \Recent for the first read-write session that sees them (RFC 3501 §2.3.2):
     * those this session claims in the store (see {@link SelectHandler#claimRecent}). When the
     * index knows the mark is already past them, another session has them and nothing is written.
     */
    private static void claimRecent(CommandContext ctx, SelectedMailbox view, long[] added) {
        if (view.readOnly || ctx.enabled.rev2) return;
        long upTo = added[added.length - 1] + 1;
        long reached = view.index.recentMarkReached();
        if (reached >= upTo) return;
        view.claimedRecent(added, SelectHandler.claimRecent(ctx, view.ownerId, view.index, reached, upTo));
    }

    /**
     * An untagged FETCH with a message's flags, as after a flag change (RFC 3501 §7.4.2, RFC 7162
     * §3.1.4), preceded by FLAGS when it carries a keyword the client was not told of.
     */
    static void flagsResponse(CommandContext ctx, SelectedMailbox view, int msn, long uid, long modSeq, Flags flags)
            throws IOException {
        announceKeywords(ctx, view, flags);
        ctx.out.star().number(msn).atom("FETCH").open().atom("UID").number(uid).atom("FLAGS");
        writeFlags(ctx, view, uid, flags);
        if (ctx.enabled.condstore) ctx.out.atom("MODSEQ").open().number(modSeq).close();
        ctx.out.close().end();
    }

    /** The flag list of one message: its stored flags, plus \Recent where it is recent here (IMAP4rev1). */
    static void writeFlags(CommandContext ctx, SelectedMailbox view, long uid, Flags stored) throws IOException {
        Flags flags = view.shown(uid, stored);
        ctx.out.open();
        int system = flags.system(); // not flags.names(): a FETCH 1:* writes this for every message
        for (int i = 0; i < Flags.SYSTEM_COUNT; i++) if ((system & (1 << i)) != 0) ctx.out.atom(Flags.systemName(i));
        for (String k : flags.keywords()) ctx.out.atom(k);
        if (!ctx.enabled.rev2 && view.isRecent(uid)) ctx.out.atom("\\Recent");
        ctx.out.close();
    }

    /**
     * RFC 3501 §7.2.6: a keyword the client was not told about yet means a new FLAGS response, which
     * must come before the FETCH response that carries the keyword starts.
     */
    static void announceKeywords(CommandContext ctx, SelectedMailbox view, Flags flags) throws IOException {
        if (view.learnKeywords(flags)) writeFlagsResponse(ctx, view);
    }

    /** RFC 3501 §7.2.6 FLAGS: the system flags and every keyword announced in this mailbox. */
    static void writeFlagsResponse(CommandContext ctx, SelectedMailbox view) throws IOException {
        ctx.out.star().atom("FLAGS").open();
        for (String f : Flags.ofSystem(Flags.SEEN | Flags.ANSWERED | Flags.FLAGGED | Flags.DELETED | Flags.DRAFT).names()) {
            ctx.out.atom(f);
        }
        for (String k : view.keywords()) ctx.out.atom(k);
        ctx.out.close().end();
    }
}
