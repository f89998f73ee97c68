package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ImapCommand.StatusItem;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxStatus;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.ReadTx;
import dev.letterbox.store.SpecialUse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** CREATE, DELETE, RENAME, SUBSCRIBE/UNSUBSCRIBE and STATUS (RFC 3501 §6.3, RFC 9051 §6.3). */
final class MailboxCommands {
    private MailboxCommands() {}

    /**
     * RFC 3501 §6.3.3: missing parents are created too; a trailing separator only says children
     * are intended. RFC 6154 §3 CREATE-SPECIAL-USE: one USE attribute.
     */
    static Done create(ImapSession s, ImapCommand.Create c) {
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
        MailboxAccess.Target target = MailboxAccess.requireCreate(s, name);
        if (target.own(s) && MailboxAccess.inOtherUsers(name)) {
            return Done.no(ResponseCode.cannot(), "That name lies in another namespace (see NAMESPACE)");
        }
        Optional<SpecialUse> finalUse = use;
        Mailbox created = s.service.store.write(target.ownerId(), tx -> tx.createMailbox(target.storeName(), finalUse));
        return Done.ok(ResponseCode.mailboxId(ObjectIds.mailbox(created)), "CREATE completed"); // RFC 8474 §4.1
    }

    /** RFC 3501 §6.3.4: INBOX cannot be deleted; deleting the selected mailbox leaves the selected state. */
    static Done delete(ImapSession s, ImapCommand.Delete c) {
        String name = MailboxNames.normalize(c.mailbox());
        MailboxAccess.Target target = MailboxAccess.require(s, name, 'x');
        long id = s.service.store.write(target.ownerId(), tx -> {
            Mailbox m = tx.mailbox(target.storeName()).orElseThrow(() -> new MailboxException(MailboxException.Reason.NONEXISTENT,
                    "Mailbox does not exist"));
            tx.deleteMailbox(m.id());
            return m.id();
        });
        SelectedMailbox view = s.selected();
        if (view != null && view.id == id) s.deselect();
        return Done.ok("DELETE completed");
    }

    /** RFC 3501 §6.3.5: children move along; renaming INBOX moves its messages and leaves it empty. */
    static Done rename(ImapSession s, ImapCommand.Rename c) {
        String from = MailboxNames.normalize(c.from());
        String to = MailboxNames.normalize(c.to());
        if (to.endsWith("/") && to.length() > 1) to = to.substring(0, to.length() - 1);
        String problem = MailboxNames.createProblem(to);
        if (problem != null) return Done.no(ResponseCode.cannot(), problem);
        // RFC 4314 §4 RENAME: "x" on the mailbox, "k" where it goes; within one owner's mailboxes
        MailboxAccess.Target source = MailboxAccess.require(s, from, 'x');
        MailboxAccess.Target target = MailboxAccess.requireCreate(s, to);
        if (target.ownerId() != source.ownerId() || (target.own(s) && MailboxAccess.inOtherUsers(to))) {
            return Done.no(ResponseCode.cannot(), "A mailbox cannot be moved to another namespace or owner");
        }
        s.service.store.write(source.ownerId(), tx -> {
            tx.renameMailbox(source.storeName(), target.storeName());
            return null;
        });
        return Done.ok("RENAME completed");
    }

    /** RFC 3501 §6.3.6-7: a subscription may name a mailbox that does not exist (yet). */
    static Done subscribe(ImapSession s, String mailbox, boolean subscribed) {
        String name = MailboxNames.normalize(mailbox);
        // a subscription to another's mailbox needs "l" on it (no probing of names by subscribing)
        if (subscribed) {
            MailboxAccess.Target target = MailboxAccess.resolve(s, name);
            if (!target.own(s)) target.require('l');
        }
        s.service.store.write(s.account().id(), tx -> {
            tx.setSubscribed(name, subscribed);
            return null;
        });
        return Done.ok((subscribed ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed");
    }

    /** RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 9208 DELETED and DELETED-STORAGE, RFC 8474 MAILBOXID. */
    static Done status(ImapSession s, ImapCommand.GetStatus c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        if (c.items().contains(StatusItem.HIGHESTMODSEQ)) s.enableCondstore();
        MailboxAccess.Target target = MailboxAccess.require(s, name, 'r');
        record Found(Mailbox mailbox, MailboxStatus status) {}
        Found f = s.service.store.read(target.ownerId(), tx -> {
            Mailbox m = tx.mailbox(target.storeName()).orElseThrow(() -> new MailboxException(MailboxException.Reason.NONEXISTENT,
                    "Mailbox does not exist"));
            return new Found(m, statusOf(s, tx, m.id()));
        });
        writeStatus(s, target.ownerId(), target.own(s) ? f.mailbox().name() : name, f.mailbox().id(), f.status(), c.items());
        return Done.ok("STATUS completed");
    }

    /**
     * The mailbox's counters; RECENT counts from the stored mark, which a SELECT moves before it
     * answers, so STATUS never counts again what a session already took (RFC 3501 §2.3.2).
     */
    static MailboxStatus statusOf(ImapSession s, ReadTx tx, long mailboxId) {
        return tx.status(mailboxId);
    }

    /** One "* STATUS name (...)" response; also used by LIST-STATUS. */
    static void writeStatus(ImapSession s, long ownerId, String name, long mailboxId, MailboxStatus stored,
                            List<StatusItem> items) throws IOException {
        MailboxStatus st = ownerId == s.account().id() || !items.contains(StatusItem.UNSEEN)
                ? stored : withOwnSeen(s, ownerId, mailboxId, stored);
        s.out.star().atom("STATUS").mailbox(name).open();
        for (StatusItem item : items) {
            if (item == StatusItem.MAILBOXID) {
                s.out.atom("MAILBOXID").open().atom(ObjectIds.mailbox(mailboxId, st.uidValidity())).close();
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
                case DELETED_STORAGE -> deletedStorageKib(s, ownerId, mailboxId, st.deleted());
                case MAILBOXID -> throw new IllegalStateException("written above");
            };
            s.out.atom(item.wireName()).number(value);
        }
        s.out.close().end();
    }

    /** In another's mailbox UNSEEN counts what this user has not seen (its \Seen is its own, see PrivateSeen). */
    private static MailboxStatus withOwnSeen(ImapSession s, long ownerId, long mailboxId, MailboxStatus st) {
        long[] uids = s.service.store.read(ownerId, tx -> tx.uids(mailboxId));
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long u : s.service.store.grants().seenBy(mailboxId, s.account().id())) seen.add(u);
        long seenHere = java.util.Arrays.stream(uids).filter(seen::contains).count();
        return new MailboxStatus(st.mailboxId(), st.messages(), uids.length - seenHere, st.recent(), st.sizeBytes(),
                st.uidNext(), st.uidValidity(), st.highestModSeq(), st.deleted());
    }

    /** RFC 9208 §4.2: the storage (in 1024-octet units) \Deleted messages would free. */
    private static long deletedStorageKib(ImapSession s, long ownerId, long mailboxId, long deletedCount) {
        if (deletedCount == 0) return 0;
        long total = 0, from = 1;
        while (true) {
            long f = from;
            List<MessageMeta> page = s.service.store.read(ownerId, tx -> tx.messages(mailboxId, f, Long.MAX_VALUE, 1000));
            for (MessageMeta m : page) if (m.flags().has(Flags.DELETED)) total += m.size();
            if (page.size() < 1000) break;
            from = page.get(page.size() - 1).uid() + 1;
        }
        return (total + 1023) / 1024;
    }
}
