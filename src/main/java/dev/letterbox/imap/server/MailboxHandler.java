package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ImapCommand.StatusItem;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxIndex;
import dev.letterbox.store.MailboxStatus;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.SpecialUse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** CREATE, DELETE, RENAME, SUBSCRIBE/UNSUBSCRIBE and STATUS (RFC 3501 §6.3, RFC 9051 §6.3). */
final class MailboxHandler {
    private MailboxHandler() {}

    /**
     * RFC 3501 §6.3.3: missing parents are created too; a trailing separator only says children
     * are intended. RFC 6154 §3 CREATE-SPECIAL-USE: one USE attribute.
     */
    static Done create(CommandContext ctx, ImapCommand.Create c) {
        String name = MailboxNames.normalize(c.mailbox());
        if (name.endsWith("/") && name.length() > 1) name = name.substring(0, name.length() - 1);
        String problem = MailboxNames.createProblem(name);
        if (problem != null) return Done.no(ResponseCode.cannot(), problem);
        if (name.equalsIgnoreCase(Mailbox.INBOX)) return Done.no(ResponseCode.alreadyExists(), "INBOX always exists");
        Optional<SpecialUse> use = Optional.empty();
        if (c.specialUse().size() > 1) return Done.no(ResponseCode.useAttr(), "Only one special-use attribute per mailbox");
        if (c.specialUse().size() == 1) {
            use = SpecialUse.fromAttribute(c.specialUse().get(0));
            if (use.isEmpty()) return Done.no(ResponseCode.useAttr(), "Unknown special-use attribute");
        }
        MailboxAccess.Target target = MailboxAccess.requireCreate(ctx, name);
        if (target.own(ctx) && MailboxAccess.inOtherUsers(name)) {
            return Done.no(ResponseCode.cannot(), "That name lies in another namespace (see NAMESPACE)");
        }
        Optional<SpecialUse> finalUse = use;
        Mailbox created = ctx.store(target.ownerId()).write(tx -> tx.createMailbox(target.storeName(), finalUse));
        return Done.ok(ResponseCode.mailboxId(ObjectIds.mailbox(created)), "CREATE completed"); // RFC 8474 §4.1
    }

    /** RFC 3501 §6.3.4: INBOX cannot be deleted; deleting the selected mailbox leaves the selected state. */
    static Done delete(CommandContext ctx, ImapCommand.Delete c) {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target target = MailboxAccess.require(ctx, name, 'x');
        long id = ctx.store(target.ownerId()).write(tx -> {
            Mailbox m = tx.mailbox(target.storeName()).orElseThrow(() -> new MailboxException(MailboxException.Reason.NONEXISTENT,
                    "Mailbox does not exist"));
            tx.deleteMailbox(m.id());
            return m.id();
        });
        SelectedMailbox view = ctx.selected();
        if (view != null && view.id == id) ctx.deselect();
        return Done.ok("DELETE completed");
    }

    /** RFC 3501 §6.3.5: children move along; renaming INBOX moves its messages and leaves it empty. */
    static Done rename(CommandContext ctx, ImapCommand.Rename c) {
        String from = MailboxNames.normalize(c.from());
        String to = MailboxNames.normalize(c.to());
        if (to.endsWith("/") && to.length() > 1) to = to.substring(0, to.length() - 1);
        String problem = MailboxNames.createProblem(to);
        if (problem != null) return Done.no(ResponseCode.cannot(), problem);
        // RFC 4314 §4 RENAME: "x" on the mailbox, "k" where it goes; within one owner's mailboxes
        MailboxAccess.Target source = MailboxAccess.require(ctx, from, 'x');
        MailboxAccess.Target target = MailboxAccess.requireCreate(ctx, to);
        if (target.ownerId() != source.ownerId() || (target.own(ctx) && MailboxAccess.inOtherUsers(to))) {
            return Done.no(ResponseCode.cannot(), "A mailbox cannot be moved to another namespace or owner");
        }
        ctx.store(source.ownerId()).write(tx -> {
            tx.renameMailbox(source.storeName(), target.storeName());
            return null;
        });
        return Done.ok("RENAME completed");
    }

    /** RFC 3501 §6.3.6-7: a subscription may name a mailbox that does not exist (yet). */
    static Done subscribe(CommandContext ctx, String mailbox, boolean subscribed) {
        String name = MailboxNames.normalize(mailbox);
        // a subscription to another's mailbox needs "l" on it (no probing of names by subscribing)
        if (subscribed) {
            MailboxAccess.Target target = MailboxAccess.resolve(ctx, name);
            if (!target.own(ctx)) target.require('l');
        }
        ctx.store().write(tx -> {
            tx.setSubscribed(name, subscribed);
            return null;
        });
        return Done.ok((subscribed ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed");
    }

    /** RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 9208 DELETED and DELETED-STORAGE, RFC 8474 MAILBOXID. */
    static Done status(CommandContext ctx, ImapCommand.GetStatus c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        // RECENT of the selected mailbox counts from the stored mark: read with the name, in one query
        long[] mark = {-1};
        MailboxAccess.Target target = ctx.selected() != null && c.items().contains(StatusItem.RECENT)
                ? MailboxAccess.resolve(ctx, name, tx -> tx.mailboxWithRecentMark(name).map(m -> {
                    mark[0] = m.recentMark();
                    return m.mailbox();
                }))
                : MailboxAccess.resolve(ctx, name);
        target.require('r');
        record Found(Mailbox mailbox, MailboxStatus status) {}
        Mailbox resolved = target.existing(); // as resolving the name found it: the counters' query checks it is still there
        MailboxStatus fromIndex = target.own(ctx) ? statusOfSelected(ctx, resolved, c.items(), mark[0]) : null;
        Found f = new Found(resolved, fromIndex != null ? fromIndex
                : ctx.store(target.ownerId()).readOne(tx -> statusOf(ctx, tx, resolved.id())));
        writeStatus(ctx, target.ownerId(), target.own(ctx) ? f.mailbox().name() : name, f.mailbox().id(), f.status(), c.items());
        return Done.ok("STATUS completed");
    }

    /**
     * The mailbox's counters; RECENT counts from the stored mark, which a SELECT moves before it
     * answers, so STATUS never counts again what a session already took (RFC 3501 §2.3.2).
     */
    static MailboxStatus statusOf(CommandContext ctx, ReadTx tx, long mailboxId) {
        return tx.status(mailboxId);
    }

    /** The items {@link #statusOfSelected} answers from the index. */
    private static final java.util.Set<StatusItem> INDEXED_ITEMS = java.util.EnumSet.of(StatusItem.MESSAGES,
            StatusItem.UNSEEN, StatusItem.RECENT, StatusItem.UIDNEXT, StatusItem.UIDVALIDITY, StatusItem.HIGHESTMODSEQ,
            StatusItem.MAILBOXID);

    /**
     * STATUS of the session's own selected mailbox (clients poll it so, and imaptest's mix does) from
     * the mailbox's shared index, which is brought up to date with every commit before the call as the
     * database's answer would be: where the counters' query reads every message row of the mailbox,
     * RECENT alone needs the stored recent mark, {@code markRead} when the name's lookup read it
     * (else -1, and it is read here). Null when another mailbox is selected,
     * when an item the index does not hold is asked for (SIZE, DELETED, DELETED-STORAGE), or when the
     * mailbox went meanwhile: the database answers then. The status holds only the items asked for
     * (the others are 0, and never written). A change made through another node counts once its
     * announcement reached this one (milliseconds), as for the session's NOOP and FETCH: STATUS
     * never disagrees with what the selected view shows.
     */
    private static MailboxStatus statusOfSelected(CommandContext ctx, Mailbox mailbox, List<StatusItem> items,
                                                  long markRead) {
        SelectedMailbox view = ctx.selected();
        if (view == null || view.id != mailbox.id() || !INDEXED_ITEMS.containsAll(items)) return null;
        boolean recentAsked = items.contains(StatusItem.RECENT);
        long mark = !recentAsked ? Long.MAX_VALUE
                : markRead >= 0 ? markRead : ctx.store().readOne(tx -> tx.recentMark(mailbox.id()));
        long[] recent = {0};
        MailboxIndex.Summary o = view.index.summary((from, to) -> {
            if (to >= mark) recent[0] += to - Math.max(from, mark) + 1;
        });
        if (o.gone() || o.uidValidity() != mailbox.uidValidity()) return null;
        return new MailboxStatus(mailbox.id(), o.messages(), o.unseen(), recent[0], 0, o.uidNext(), o.uidValidity(),
                o.highestModSeq(), 0);
    }

    /** One "* STATUS name (...)" response; also used by LIST-STATUS. */
    static void writeStatus(CommandContext ctx, long ownerId, String name, long mailboxId, MailboxStatus stored,
                            List<StatusItem> items) throws IOException {
        MailboxStatus st = ownerId == ctx.account().id() || !items.contains(StatusItem.UNSEEN)
                ? stored : withOwnSeen(ctx, ownerId, mailboxId, stored);
        ctx.out.star().atom("STATUS").mailbox(name).open();
        for (StatusItem item : items) {
            if (item == StatusItem.MAILBOXID) {
                ctx.out.atom("MAILBOXID").open().atom(ObjectIds.mailbox(mailboxId, st.uidValidity())).close();
                continue;
            }
            long value = switch (item) {
                case MESSAGES -> st.messages();
                case RECENT -> st.recent();
                case UIDNEXT -> st.uidNext();
                case UIDVALIDITY -> st.uidValidity();
                case UNSEEN -> st.unseen();
                case HIGHESTMODSEQ -> st.highestModSeq();
                case SIZE -> st.sizeBytes();
                case DELETED -> st.deleted();
                case DELETED_STORAGE -> deletedStorageKib(ctx, ownerId, mailboxId, st.deleted());
                case MAILBOXID -> throw new IllegalStateException("written above");
            };
            ctx.out.atom(item.wireName()).number(value);
        }
        ctx.out.close().end();
    }

    /** In another's mailbox UNSEEN counts what this user has not seen (its \Seen is its own, see PrivateSeen). */
    private static MailboxStatus withOwnSeen(CommandContext ctx, long ownerId, long mailboxId, MailboxStatus st) {
        long[] uids = ctx.store(ownerId).read(tx -> tx.uids(mailboxId));
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long u : ctx.grants().seenBy(mailboxId, ctx.account().id())) seen.add(u);
        long seenHere = java.util.Arrays.stream(uids).filter(seen::contains).count();
        return new MailboxStatus(st.mailboxId(), st.messages(), uids.length - seenHere, st.recent(), st.sizeBytes(),
                st.uidNext(), st.uidValidity(), st.highestModSeq(), st.deleted());
    }

    /** RFC 9208 §4.2: the storage (in 1024-octet units) \Deleted messages would free. */
    private static long deletedStorageKib(CommandContext ctx, long ownerId, long mailboxId, long deletedCount) {
        if (deletedCount == 0) return 0;
        long total = 0, from = 1;
        while (true) {
            long f = from;
            List<MessageMeta> page = ctx.store(ownerId).read(tx -> tx.messages(mailboxId, f, Long.MAX_VALUE, 1000));
            for (MessageMeta m : page) if (m.flags().has(Flags.DELETED)) total += m.size();
            if (page.size() < 1000) break;
            from = page.get(page.size() - 1).uid() + 1;
        }
        return (total + 1023) / 1024;
    }
}
