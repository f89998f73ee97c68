package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.SequenceSet;
import dev.letterbox.imap.Status;
import dev.letterbox.store.CopyResult;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.MessageMeta;
import java.io.IOException;

/** STORE, COPY, MOVE and EXPUNGE, by sequence number or UID. */
final class StoreHandler {
    private static final int PAGE = 1000;

    private StoreHandler() {}

    /**
     * RFC 3501 §6.4.6 with RFC 7162 §3.1.3 UNCHANGEDSINCE. Without .SILENT every message of the set
     * is answered with its flags as after a FETCH; with CONDSTORE on, changed messages are answered
     * with their new MODSEQ even when silent. Messages refused by UNCHANGEDSINCE come back in
     * [MODIFIED] (sequence numbers for STORE, UIDs for UID STORE).
     */
    static Done store(CommandContext ctx, ImapCommand.Store c) throws IOException {
        SelectedMailbox view = ctx.selected();
        if (view.readOnly) return Done.no(ResponseCode.cannot(), "The mailbox is read-only (EXAMINE)");
        Flags flags;
        try {
            flags = Flags.parse(c.flags());
        } catch (IllegalArgumentException e) {
            return Done.bad("Unknown system flag");
        }
        MailboxAccess.requireFlagRights(view.rights, flags, c.mode() == ImapCommand.StoreMode.REPLACE);
        MessageSets.Resolved r = MessageSets.resolve(view, c.uid(), c.set());
        if (r.error() != null) return Done.bad(r.error());
        if (r.uids().isEmpty()) return Done.ok("STORE completed");
        FlagUpdate.Mode mode = switch (c.mode()) {
            case ADD -> FlagUpdate.Mode.ADD;
            case REMOVE -> FlagUpdate.Mode.REMOVE;
            case REPLACE -> FlagUpdate.Mode.REPLACE;
        };
        long[] uids = r.uids().toArray();
        // The OK promises the change is made and seen by every session, and survives a crash of the
        // server; a crash of the machine within about a second may undo it (MailStore.writeUnsynced).
        FlagUpdate update = view.privateSeen != null
                ? view.privateSeen.store(ctx, view, uids, mode, flags, c.unchangedSince())
                : ctx.store(view.ownerId).writeUnsynced(tx -> tx.storeFlags(view.id, uids, mode, flags, c.unchangedSince()));
        for (MessageMeta m : update.changed()) view.ownChange(m.modSeq());
        if (mode != FlagUpdate.Mode.REMOVE) ViewUpdates.announceKeywords(ctx, view, flags);
        Ranges refused = Ranges.of(update.modifiedSinceRefused());
        if (!c.silent()) {
            answerAll(ctx, view, r.uids(), refused);
        } else if (ctx.enabled.condstore) {
            for (MessageMeta m : update.changed()) {
                ctx.out.star().number(view.uids.msnOf(m.uid())).atom("FETCH").open().atom("UID").number(m.uid())
                        .atom("MODSEQ").open().number(m.modSeq()).close().close().end();
            }
        }
        if (!refused.isEmpty()) {
            Ranges reported = c.uid() ? refused : msns(view, refused);
            return Done.ok(ResponseCode.modified(reported), "Conditional STORE failed for some messages");
        }
        return Done.ok("STORE completed");
    }

    /**
     * FETCH (FLAGS) for every message of the set still there, as the write left it: the mailbox's
     * index has the write by the time it returned.
     */
    private static void answerAll(CommandContext ctx, SelectedMailbox view, Ranges uids, Ranges refused) throws IOException {
        MailboxIndex.Page page = new MailboxIndex.Page((int) Math.max(1, Math.min(PAGE, uids.size()))); // sized to the request
        for (int i = 0; i < uids.rangeCount(); i++) {
            long from = uids.low(i), to = uids.high(i);
            while (from <= to) {
                view.index.read(from, to, page);
                for (int k = 0; k < page.count; k++) {
                    long uid = page.uids[k];
                    int msn = view.uids.msnOf(uid);
                    if (msn == 0 || refused.contains(uid)) continue;
                    ViewUpdates.flagsResponse(ctx, view, msn, uid, page.modSeqs[k], page.flags[k]);
                }
                if (page.count < page.capacity()) break;
                from = page.uids[page.count - 1] + 1;
            }
        }
    }

    private static Ranges msns(SelectedMailbox view, Ranges uids) {
        long[] out = new long[(int) uids.size()];
        int k = 0;
        for (long uid : uids.toArray()) out[k++] = view.uids.msnOf(uid);
        return Ranges.of(out);
    }

    /**
     * COPY (RFC 3501 §6.4.7) and MOVE (RFC 6851) with COPYUID (RFC 4315). A set that includes
     * messages another session expunged copies nothing (RFC 2180 §4.4.1). MOVE reports COPYUID in an
     * untagged OK before its EXPUNGE/VANISHED responses (RFC 6851 §4.3).
     */
    static Done copy(CommandContext ctx, boolean byUid, SequenceSet set, String mailbox, boolean move) throws IOException {
        SelectedMailbox view = ctx.selected();
        if (move && view.readOnly) return Done.no(ResponseCode.cannot(), "The mailbox is read-only (EXAMINE)");
        MessageSets.Resolved r = MessageSets.resolve(view, byUid, set);
        if (r.error() != null) return Done.bad(r.error());
        String verb = move ? "MOVE" : "COPY";
        String name = MailboxNames.normalize(mailbox);
        // RFC 4314 §4: "i" on the target; RFC 6851 §3.3 MOVE: "t" and "e" on the source
        if (move && !view.rights.has('t')) throw new MailboxAccess.Denied('t');
        if (move && !view.rights.has('e')) throw new MailboxAccess.Denied('e');
        MailboxAccess.Target to = MailboxAccess.resolve(ctx, name);
        if (!to.visible()) return Done.no(ResponseCode.tryCreate(), "Mailbox does not exist");
        to.require('i');
        for (int i = 0; i < r.uids().rangeCount(); i++) {
            for (long u = r.uids().low(i); u <= r.uids().high(i); u++) {
                if (view.isGhost(u)) return Done.no(ResponseCode.expungeIssued(), "Some of the messages no longer exist");
            }
        }
        long[] uids = r.uids().toArray();
        CopyResult result;
        Mailbox target;
        if (to.ownerId() != view.ownerId || !to.rights().equals(dev.letterbox.store.Rights.ALL)) {
            target = to.mailbox().get();
            result = SharedCopies.copy(ctx, view, uids, to, move);
        } else try {
            record Copied(Mailbox source, Mailbox target, CopyResult result) {}
            Copied copied = ctx.store(view.ownerId).write(tx -> {
                Mailbox t = tx.mailbox(to.storeName()).orElseThrow(() -> new MailboxException(MailboxException.Reason.NONEXISTENT,
                        "Mailbox does not exist"));
                Mailbox source = tx.mailbox(view.id).orElse(t);
                if (uids.length == 0) return new Copied(source, t, new CopyResult(t.uidValidity(), new long[0], new long[0]));
                return new Copied(source, t, move ? tx.move(view.id, uids, t.id()) : tx.copy(view.id, uids, t.id()));
            });
            result = copied.result();
            target = copied.target();
            if (result.targetUids().length > 0 && to.own(ctx)) {
                ctx.copies().copied(ctx.account().id(), copied.source(), target, result.targetUids());
            }
        } catch (MailboxException e) {
            if (e.reason() == MailboxException.Reason.NONEXISTENT) {
                return Done.no(ResponseCode.tryCreate(), "Mailbox does not exist");
            }
            throw e;
        }
        if (target.id() == view.id) ctx.viewChanged(); // copies into the selected mailbox: EXISTS
        if (result.sourceUids().length == 0) return Done.ok(verb + " completed, no messages");
        ResponseCode copyUid = ResponseCode.copyUid(result.targetUidValidity(), Ranges.of(result.sourceUids()),
                Ranges.of(result.targetUids()));
        if (!move) {
            if (!byUid && result.sourceUids().length < uids.length) {
                return Done.no(ResponseCode.expungeIssued(), "Some of the messages no longer exist");
            }
            return Done.ok(copyUid, "COPY completed");
        }
        ctx.out.untagged(Status.OK, copyUid, "Moved");
        Ranges moved = Ranges.of(result.sourceUids());
        ViewUpdates.reportExpunges(ctx, view, moved);
        view.removeReported(moved);
        return Done.ok("MOVE completed");
    }

    /**
     * EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): removes \Deleted messages (of the
     * set, for UID EXPUNGE) and reports each removal.
     */
    static Done expunge(CommandContext ctx, ImapCommand.Expunge c) throws IOException {
        SelectedMailbox view = ctx.selected();
        if (view.readOnly) return Done.no(ResponseCode.cannot(), "The mailbox is read-only (EXAMINE)");
        if (!view.rights.has('e')) throw new MailboxAccess.Denied('e');
        long[] deleted = SelectHandler.deletedUids(view);
        if (c.uids().isPresent()) {
            MessageSets.Resolved r = MessageSets.resolve(view, true, c.uids().get());
            Ranges within = r.uids();
            deleted = java.util.Arrays.stream(deleted).filter(within::contains).toArray();
        }
        if (deleted.length > 0) {
            long[] toRemove = deleted;
            record Expunged(long[] uids, long modSeq) {}
            Expunged removed = ctx.store(view.ownerId).write(tx -> {
                long[] uids = tx.expunge(view.id, toRemove);
                // the MODSEQ this write gave the mailbox: the next sync knows it is this session's own
                long modSeq = uids.length == 0 ? 0 : tx.highestModSeq(view.id);
                return new Expunged(uids, modSeq);
            });
            Ranges gone = Ranges.of(removed.uids());
            ViewUpdates.reportExpunges(ctx, view, gone);
            view.removeReported(gone);
            if (removed.modSeq() > 0) view.ownChange(removed.modSeq());
        }
        return Done.ok("EXPUNGE completed");
    }
}
