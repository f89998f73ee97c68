package dev.letterbox.imap.server;

import dev.letterbox.imap.FetchAttr;
import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ImapCommand.NotifyGroup;
import dev.letterbox.imap.ImapCommand.StatusItem;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.SequenceSet;
import dev.letterbox.store.Change;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 5465 NOTIFY: what one session asked to hear about, and the delivery of it. The store's
 * listener only records which mailboxes changed ({@link #signal}); under the session's lock,
 * after each command and from the push thread (also outside IDLE), {@link #deliver} reads what
 * changed and writes STATUS for other mailboxes (§5.2-5.4, by comparing with the figures last
 * seen), LIST for mailbox names and subscriptions that changed (§5.5-5.6). The selected mailbox
 * goes the usual way (EXISTS, FETCH, EXPUNGE), pushed at once for SELECTED, expunges held back
 * for SELECTED-DELAYED, new messages followed by FETCH of MessageNew's attributes (§5.1).
 */
final class Notifications {
    /** The events this server sends; others are refused with BADEVENT (§3.1). */
    static final List<String> SUPPORTED = List.of("MESSAGENEW", "MESSAGEEXPUNGE", "FLAGCHANGE", "MAILBOXNAME", "SUBSCRIPTIONCHANGE");
    private static final List<String> SUPPORTED_WIRE = List.of("MessageNew", "MessageExpunge", "FlagChange", "MailboxName",
            "SubscriptionChange");

    private final List<NotifyGroup> others = new ArrayList<>();
    /** The SELECTED or SELECTED-DELAYED group, or null. */
    private final NotifyGroup selected;
    /** Mailbox ids whose content changed since the last delivery (written by the store's thread). */
    private final Set<Long> changed = ConcurrentHashMap.newKeySet();
    private volatile boolean listChanged;
    /** Per other mailbox, the figures last reported or seen. */
    private final Map<Long, MailboxStatus> known = new HashMap<>();
    /** Mailbox names by id and the subscriptions, as last seen (for MailboxName, SubscriptionChange). */
    private Map<Long, String> names = Map.of();
    private Set<String> subscriptions = Set.of();

    private Notifications(List<NotifyGroup> groups) {
        NotifyGroup sel = null;
        for (NotifyGroup g : groups) {
            if (g.filter().startsWith("SELECTED")) sel = g;
            else others.add(normalized(g));
        }
        this.selected = sel;
    }

    private static NotifyGroup normalized(NotifyGroup g) {
        return new NotifyGroup(g.filter(), g.mailboxes().stream().map(MailboxNames::normalize).toList(), g.events(), g.fetch());
    }

    /** RFC 5465 §3: NOTIFY SET / NONE. */
    static Done notify(CommandContext ctx, ImapCommand.Notify c) throws IOException {
        if (c.groups().isEmpty()) {
            ctx.notifications(null);
            return Done.ok("NOTIFY completed");
        }
        int selectedGroups = 0;
        for (NotifyGroup g : c.groups()) {
            if (g.filter().startsWith("SELECTED")) selectedGroups++;
            for (String e : g.events()) {
                if (!SUPPORTED.contains(e)) {
                    return Done.no(ResponseCode.badEvent(SUPPORTED_WIRE), "Unsupported event");
                }
            }
        }
        if (selectedGroups > 1) return Done.bad("SELECTED and SELECTED-DELAYED at most once");
        Notifications n = new Notifications(c.groups());
        n.names = n.currentNames(ctx);
        n.subscriptions = n.currentSubscriptions(ctx);
        if (c.status()) n.initialStatus(ctx);
        ctx.notifications(n);
        return Done.ok("NOTIFY completed");
    }

    /** From the store's listener: true when the change may concern this session's notifications. */
    boolean signal(Change change, long selectedId) {
        return switch (change) {
            case Change.MailboxContent m -> {
                if (m.mailboxId() == selectedId || others.isEmpty()) yield false;
                changed.add(m.mailboxId());
                yield true;
            }
            case Change.MailboxList l -> {
                listChanged = true;
                yield true;
            }
            default -> false;
        };
    }

    /** The selected mailbox's changes are pushed at once, not only at the next command. */
    boolean pushesSelected() {
        return selected != null && !selected.events().isEmpty();
    }

    /** With SELECTED (not SELECTED-DELAYED) and MessageExpunge, expunges go out at once too. */
    boolean expungesAnytime() {
        return selected != null && selected.filter().equals("SELECTED") && selected.events().contains("MESSAGEEXPUNGE");
    }

    /** After new messages reached the view: MessageNew's FETCH attributes for them (§5.1). */
    void newMessages(CommandContext ctx, SelectedMailbox view, long previousMaxUid) throws IOException {
        if (selected == null || selected.fetch().isEmpty() || view.uids.maxUid() <= previousMaxUid) return;
        List<FetchAttr> attrs = selected.fetch();
        SequenceSet uids = SequenceSet.parse((previousMaxUid + 1) + ":" + view.uids.maxUid());
        FetchHandler.fetch(ctx, new ImapCommand.Fetch("*", true, uids, attrs, OptionalLong.empty(), false));
    }

    /** Writes what changed since the last delivery. Under the session's lock. */
    void deliver(CommandContext ctx) throws IOException {
        if (listChanged) {
            listChanged = false;
            mailboxNames(ctx);
        }
        if (changed.isEmpty()) return;
        List<Long> ids = new ArrayList<>(changed);
        changed.removeAll(ids);
        SelectedMailbox view = ctx.selected();
        for (long id : ids) {
            if (view != null && view.id == id) continue;
            Mailbox m = ctx.store().read(tx -> tx.mailbox(id)).orElse(null);
            if (m == null) continue;
            NotifyGroup g = groupOf(ctx, m.name());
            if (g == null) continue;
            MailboxStatus now = ctx.store().read(tx -> tx.status(id));
            MailboxStatus before = known.put(id, now);
            EnumSet<StatusItem> items = EnumSet.noneOf(StatusItem.class);
            boolean added = before == null || now.uidNext() != before.uidNext();
            boolean removed = before == null || now.messages() < before.messages() + (now.uidNext() - before.uidNext());
            // an expunge or an arrival raises HIGHESTMODSEQ too: only a change with neither is taken for flags
            boolean flags = before == null || (now.highestModSeq() != before.highestModSeq() && !added && !removed);
            if (added && g.events().contains("MESSAGENEW")) items.addAll(List.of(StatusItem.MESSAGES, StatusItem.UIDNEXT, StatusItem.UIDVALIDITY, StatusItem.UNSEEN));
            if (removed && g.events().contains("MESSAGEEXPUNGE")) items.addAll(List.of(StatusItem.MESSAGES, StatusItem.UNSEEN));
            if (flags && g.events().contains("FLAGCHANGE")) items.addAll(List.of(StatusItem.UIDVALIDITY, StatusItem.UNSEEN, StatusItem.HIGHESTMODSEQ));
            if (!items.isEmpty()) MailboxHandler.writeStatus(ctx, ctx.account().id(), m.name(), m.id(), now, new ArrayList<>(items));
        }
    }

    /** §3 SET STATUS: a STATUS now for each matching mailbox (not the selected one), items by its events. */
    private void initialStatus(CommandContext ctx) throws IOException {
        SelectedMailbox view = ctx.selected();
        for (Mailbox m : ctx.store().read(tx -> tx.mailboxes())) {
            if (view != null && view.id == m.id()) continue;
            NotifyGroup g = groupOf(ctx, m.name());
            if (g == null) continue;
            EnumSet<StatusItem> items = EnumSet.noneOf(StatusItem.class);
            if (g.events().contains("MESSAGENEW")) items.addAll(List.of(StatusItem.MESSAGES, StatusItem.UIDNEXT, StatusItem.UIDVALIDITY));
            if (g.events().contains("MESSAGEEXPUNGE")) items.add(StatusItem.MESSAGES);
            if (g.events().contains("FLAGCHANGE")) items.addAll(List.of(StatusItem.UIDVALIDITY, StatusItem.HIGHESTMODSEQ));
            if (items.isEmpty()) continue;
            MailboxStatus st = ctx.store().read(tx -> tx.status(m.id()));
            known.put(m.id(), st);
            MailboxHandler.writeStatus(ctx, ctx.account().id(), m.name(), m.id(), st, new ArrayList<>(items));
        }
    }

    /** §5.5 MailboxName and §5.6 SubscriptionChange: LIST responses for what differs from last time. */
    private void mailboxNames(CommandContext ctx) throws IOException {
        Map<Long, String> now = currentNames(ctx);
        Set<String> subscribedNow = currentSubscriptions(ctx);
        if (wants(ctx, "MAILBOXNAME", now.values(), names.values())) {
            for (Map.Entry<Long, String> e : names.entrySet()) {
                String was = e.getValue(), is = now.get(e.getKey());
                if (is == null && wants(ctx, "MAILBOXNAME", List.of(was))) list(ctx, List.of("\\NonExistent"), was, null);
                else if (is != null && !is.equals(was) && wants(ctx, "MAILBOXNAME", List.of(was, is))) list(ctx, List.of(), is, was);
            }
            for (Map.Entry<Long, String> e : now.entrySet()) {
                if (!names.containsKey(e.getKey()) && wants(ctx, "MAILBOXNAME", List.of(e.getValue()))) list(ctx, List.of(), e.getValue(), null);
            }
        }
        for (String n : subscribedNow) {
            if (!subscriptions.contains(n) && wants(ctx, "SUBSCRIPTIONCHANGE", List.of(n))) list(ctx, List.of("\\Subscribed"), n, null);
        }
        for (String n : subscriptions) {
            if (!subscribedNow.contains(n) && wants(ctx, "SUBSCRIPTIONCHANGE", List.of(n))) list(ctx, List.of(), n, null);
        }
        names = now;
        subscriptions = subscribedNow;
    }

    /** RFC 5258 LIST, with OLDNAME after a rename (RFC 5465 §5.4). */
    private static void list(CommandContext ctx, List<String> attributes, String name, String oldName) throws IOException {
        ctx.out.star().atom("LIST").atomList(attributes).string("/").mailbox(name);
        if (oldName != null) ctx.out.open().string("OLDNAME").open().mailbox(oldName).close().close();
        ctx.out.end();
    }

    @SafeVarargs
    private boolean wants(CommandContext ctx, String event, java.util.Collection<String>... nameSets) {
        for (java.util.Collection<String> names : nameSets) {
            for (String n : names) {
                NotifyGroup g = groupOf(ctx, n);
                if (g != null && g.events().contains(event)) return true;
            }
        }
        return false;
    }

    /** The first non-selected group whose filter takes this mailbox (§6), or null. */
    private NotifyGroup groupOf(CommandContext ctx, String name) {
        for (NotifyGroup g : others) {
            boolean match = switch (g.filter()) {
                case "INBOXES" -> name.equals(Mailbox.INBOX);
                case "PERSONAL" -> true;
                case "SUBSCRIBED" -> subscriptions.contains(name);
                case "SUBTREE" -> g.mailboxes().stream().anyMatch(m -> name.equals(m) || name.startsWith(m + "/"));
                case "MAILBOXES" -> g.mailboxes().contains(name);
                default -> false;
            };
            if (match) return g;
        }
        return null;
    }

    private Map<Long, String> currentNames(CommandContext ctx) {
        Map<Long, String> out = new HashMap<>();
        for (Mailbox m : ctx.store().read(tx -> tx.mailboxes())) out.put(m.id(), m.name());
        return out;
    }

    private Set<String> currentSubscriptions(CommandContext ctx) {
        return new HashSet<>(ctx.store().read(tx -> tx.subscriptions()));
    }
}
