package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.Ranges;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.SequenceSet;
import dev.letterbox.imap.Status;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** SELECT / EXAMINE (with CONDSTORE and QRESYNC), CLOSE and UNSELECT. */
final class SelectHandler {
    private static final int PAGE = 1000;

    private SelectHandler() {}

    /**
     * RFC 3501 §6.3.1-2, RFC 9051 §6.3.2, RFC 7162 §3.1.2 / §3.2.5. A SELECT while a mailbox is
     * selected first closes it without expunging ([CLOSED]); when the new SELECT fails, no mailbox
     * is selected.
     */
    static Done select(CommandContext ctx, ImapCommand.Select c) throws IOException {
        if (ctx.selected() != null) {
            ctx.deselect();
            ctx.out.untagged(Status.OK, ResponseCode.closed(), "Previous mailbox closed");
        }
        if (c.qresync().isPresent() && !ctx.enabled.qresync) return Done.bad("Enable QRESYNC first (RFC 7162)");
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target target = MailboxAccess.require(ctx, name, 'r');
        long account = target.ownerId();
        // RFC 4314 §4: without a right to change anything the mailbox is opened read-only
        boolean readOnly = c.readOnly() || !(target.has('s') || target.has('w') || target.has('t') || target.has('e'));
        // the mailbox as resolving the name found it; the index below tells if it went meanwhile
        Mailbox m = target.existing();
        PrivateSeen privateSeen = PrivateSeen.load(ctx, account, m.id()); // before the index: nothing to let go
        // the counts, UIDs and flags come from the mailbox's shared index, built here if no one has it open
        MailboxIndex index = ctx.store(account).openIndex(m.id());
        UidMap uids = new UidMap();
        MailboxIndex.Summary o;
        long recentMark;
        try {
            o = index.summary(uids::appendRun);
            if (o.gone() || o.uidValidity() != m.uidValidity()) throw nonexistent(); // deleted meanwhile
            // EXAMINE shows \Recent from the stored mark; SELECT claims from the mark the index knows
            recentMark = readOnly && !ctx.enabled.rev2 && uids.size() > 0
                    ? ctx.store(account).readOne(tx -> tx.recentMark(m.id())) : index.recentMarkReached();
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        uids.trim();
        Ranges recent = Ranges.EMPTY;
        if (!ctx.enabled.rev2 && uids.size() > 0 && recentMark < o.uidNext()) {
            // EXAMINE leaves them \Recent for others; SELECT takes them in the store, where every node agrees
            long mark = readOnly ? recentMark : claimRecent(ctx, account, index, recentMark, o.uidNext());
            if (mark < o.uidNext()) {
                recent = uids.intersect(new Ranges.Builder().add(Math.max(1, mark), uids.maxUid()).build());
            }
        }
        SelectedMailbox view = new SelectedMailbox(m.id(), account, target.rights(), o.uidValidity(), readOnly, uids, recent,
                o.highestModSeq(), o.keywords(), index);
        view.privateSeen = privateSeen;
        ctx.select(view);

        ViewUpdates.writeFlagsResponse(ctx, view);
        List<String> permanent = new ArrayList<>();
        if (!readOnly) {
            // RFC 4314 §4: only the flags the session may change
            int system = (target.has('s') ? Flags.SEEN : 0) | (target.has('t') ? Flags.DELETED : 0)
                    | (target.has('w') ? Flags.ANSWERED | Flags.FLAGGED | Flags.DRAFT : 0);
            permanent.addAll(Flags.ofSystem(system).names());
            if (target.has('w')) {
                permanent.addAll(view.keywords());
                permanent.add("\\*");
            }
        }
        ctx.out.untagged(Status.OK, ResponseCode.permanentFlags(permanent), readOnly ? "Read-only mailbox" : "Flags permitted");
        ctx.out.numbered(uids.size(), "EXISTS");
        if (!ctx.enabled.rev2) {
            ctx.out.numbered(view.recentCount(), "RECENT");
            long firstUnseen = view.privateSeen == null ? o.firstUnseenUid() : firstUnseen(view);
            if (firstUnseen > 0) {
                ctx.out.untagged(Status.OK, ResponseCode.unseen(uids.msnOf(firstUnseen)), "First unseen");
            }
        }
        ctx.out.untagged(Status.OK, ResponseCode.uidValidity(o.uidValidity()), "UIDs valid");
        ctx.out.untagged(Status.OK, ResponseCode.uidNext(o.uidNext()), "Predicted next UID");
        ctx.out.untagged(Status.OK, ResponseCode.highestModSeq(o.highestModSeq()), "Highest");
        ctx.out.untagged(Status.OK, ResponseCode.mailboxId(ObjectIds.mailbox(m.id(), o.uidValidity())), "Ok"); // RFC 8474 §4.2
        if (ctx.enabled.rev2) {
            // RFC 9051 §6.3.2: the mailbox's name as the server knows it
            ctx.out.star().atom("LIST").open().close().string("/").mailbox(name.equalsIgnoreCase(Mailbox.INBOX) ? m.name() : name).end();
        }
        if (c.qresync().isPresent() && c.qresync().get().uidValidity() == o.uidValidity()) {
            resync(ctx, view, c.qresync().get());
        }
        return Done.ok(readOnly ? ResponseCode.readOnly() : ResponseCode.readWrite(),
                (c.readOnly() ? "EXAMINE" : "SELECT") + " completed");
    }

    /**
     * Claims the mailbox's \Recent messages below {@code upTo} and returns the mark as it was: UIDs
     * from there up to {@code upTo} are \Recent for this session alone (RFC 3501 §2.3.2). The claim
     * is one write in the store, waited for (committed, not forced to disk: after a crash of the
     * machine a message may be \Recent once more), so that two sessions selecting at once on two nodes
     * cannot both take a message; it is made only when the session saw something left to claim.
     * When it fails the session takes nothing: \Recent is advice, the command goes on.
     * {@code seenMark}: a value the stored mark has reached, as the mailbox's index knows it (the
     * claim is one statement when nobody moved it since); the index learns where the claim left it.
     */
    static long claimRecent(CommandContext ctx, long ownerId, MailboxIndex index, long seenMark, long upTo) {
        try {
            long mark = ctx.store(ownerId).writeUnsynced(tx -> tx.claimRecent(index.mailboxId(), seenMark, upTo));
            index.recentMarkReached(Math.max(mark, upTo));
            return mark;
        } catch (StoreException | MailboxException e) { // MailboxException: deleted meanwhile; the next sync says so
            ImapSession.LOG.log(System.Logger.Level.WARNING, "{0}: cannot claim \\Recent: {1}", ctx.who(), e.toString());
            return upTo;
        }
    }

    /**
     * RFC 7162 §3.2.5.1: what changed since the client's MODSEQ, as VANISHED (EARLIER) for expunged
     * UIDs and FETCH (UID FLAGS MODSEQ) for changed messages, limited to the UIDs it says it knows.
     * Tombstones are kept for a month (then {@link Vanished} widens the answer), so the
     * sequence-match data is not needed to narrow VANISHED.
     */
    private static void resync(CommandContext ctx, SelectedMailbox view, ImapCommand.QResync q) throws IOException {
        long account = view.ownerId;
        long since = q.modSeq();
        Ranges vanished = ctx.store(account).read(tx -> Vanished.since(tx, view.id, since));
        Ranges known = q.knownUids().map(SelectHandler::resolveUids).orElse(null);
        if (known != null) vanished = vanished.intersect(known);
        if (!vanished.isEmpty()) ctx.out.star().atom("VANISHED").open().atom("EARLIER").close().atom(vanished.toString()).end();
        long after = 0;
        while (true) {
            long from = after;
            List<MessageMeta> page = ctx.store(account).read(tx -> tx.changedSince(view.id, since, from, PAGE));
            for (MessageMeta m : page) {
                int msn = view.uids.msnOf(m.uid());
                if (msn == 0 || (known != null && !known.contains(m.uid()))) continue;
                ViewUpdates.flagsResponse(ctx, view, msn, m.uid(), m.modSeq(), m.flags());
            }
            if (page.size() < PAGE) return;
            after = page.get(page.size() - 1).uid();
        }
    }

    /** Known UIDs as the client gave them ('*' is meaningless here; it stands for the largest UID possible). */
    private static Ranges resolveUids(SequenceSet set) {
        return set.isSaved() ? Ranges.EMPTY : set.resolve(SequenceSet.MAX_NUMBER);
    }

    /**
     * RFC 3501 §6.4.2: removes \Deleted messages without EXPUNGE responses (unless read-only) and
     * leaves the selected state.
     */
    static Done close(CommandContext ctx) {
        SelectedMailbox view = ctx.selected();
        if (!view.readOnly && view.rights.has('e')) {
            long[] deleted = deletedUids(view);
            if (deleted.length > 0) ctx.store(view.ownerId).write(tx -> tx.expunge(view.id, deleted));
        }
        ctx.deselect();
        return Done.ok("CLOSE completed");
    }

    /** RFC 3691: leaves the selected state without expunging. */
    static Done unselect(CommandContext ctx) {
        ctx.deselect();
        return Done.ok("UNSELECT completed");
    }

    /** The first UID the session's own \Seen does not cover, 0 when none (another's mailbox). */
    private static long firstUnseen(SelectedMailbox view) {
        for (long msn = 1; msn <= view.uids.size(); msn++) {
            long uid = view.uids.uidAt(msn);
            if (!view.privateSeen.contains(uid)) return uid;
        }
        return 0;
    }

    /** The UIDs in the view with \Deleted, from the mailbox's index. */
    static long[] deletedUids(SelectedMailbox view) {
        long[] flagged = view.index.uidsWithFlag(Flags.DELETED);
        return java.util.Arrays.stream(flagged).filter(view.uids::contains).toArray();
    }

    private static MailboxException nonexistent() {
        return new MailboxException(MailboxException.Reason.NONEXISTENT, "Mailbox does not exist");
    }
}
