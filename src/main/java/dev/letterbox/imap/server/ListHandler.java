package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.Rights;
import dev.letterbox.store.MailboxStatus;
import dev.letterbox.store.ReadTx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * LIST (RFC 3501 §6.3.8, RFC 9051 §6.3.9, RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154
 * SPECIAL-USE, RFC 3348 CHILDREN, RFC 8440 LIST-MYRIGHTS) and LSUB (RFC 3501 §6.3.9). Names come
 * only from the logged-in account's own rows and the mailboxes others let it look up ("l"), so no
 * pattern can reach anything else.
 */
final class ListHandler {
    private static final Set<String> SELECTION = Set.of("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE");
    private static final Set<String> RETURNS = Set.of("SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS", "MYRIGHTS");

    private ListHandler() {}

    /**
     * One name in the hierarchy: a mailbox, an ancestor that is no mailbox, or a bare subscription.
     * A mailbox another account shared is listed under "Other Users/owner/" (RFC 2342) with the
     * session's rights on it; one's own mailboxes carry every right.
     */
    private record Entry(String name, Mailbox mailbox, boolean subscribed, boolean hasChildren,
                         boolean hasSubscribedChild, Rights rights) {}

    static Done list(CommandContext ctx, ImapCommand.ListMailboxes c) throws IOException {
        for (String o : c.selection()) if (!SELECTION.contains(o)) return Done.bad("Unknown LIST selection option " + o);
        for (String o : c.returns()) if (!RETURNS.contains(o)) return Done.bad("Unknown LIST return option " + o);
        boolean selSubscribed = c.selection().contains("SUBSCRIBED");
        boolean recursive = c.selection().contains("RECURSIVEMATCH");
        boolean selSpecialUse = c.selection().contains("SPECIAL-USE");
        if (recursive && !selSubscribed && !selSpecialUse) {
            return Done.bad("RECURSIVEMATCH needs another selection option (RFC 5258 §3)");
        }
        boolean showSubscribed = selSubscribed || c.returns().contains("SUBSCRIBED");
        boolean withStatus = c.returns().contains("STATUS");
        boolean withRights = c.returns().contains("MYRIGHTS");

        // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter and root.
        if (c.patterns().size() == 1 && c.patterns().get(0).isEmpty()) {
            ctx.out.star().atom("LIST").open().atom("\\Noselect").close().string("/").string("").end();
            return Done.ok("LIST completed");
        }
        String reference = MailboxNames.normalize(c.reference());
        List<String> patterns = new ArrayList<>();
        for (String p : c.patterns()) patterns.add(reference + MailboxNames.normalize(p));

        TreeMap<String, Entry> entries = hierarchy(ctx);
        for (Entry e : entries.values()) {
            boolean matches = matchesAny(patterns, e.name());
            boolean exists = e.mailbox() != null;
            boolean selected;
            List<String> childInfo = List.of();
            if (selSubscribed) {
                selected = matches && e.subscribed();
                if (!selected && recursive && matches && e.hasSubscribedChild()
                        && hasUnlistedSubscribedDescendant(entries, e.name(), patterns)) {
                    selected = true;
                    childInfo = List.of("SUBSCRIBED");
                }
            } else if (selSpecialUse) {
                selected = matches && exists && e.mailbox().specialUse().isPresent();
            } else {
                selected = matches && (exists || e.hasChildren());
            }
            if (!selected) continue;
            ctx.out.star().atom("LIST").open();
            if (!exists) {
                // RFC 3501: a level that only holds other mailboxes is \Noselect; RFC 5258: a bare subscription \NonExistent
                ctx.out.atom(e.hasChildren() ? "\\Noselect" : "\\NonExistent");
            }
            ctx.out.atom(e.hasChildren() ? "\\HasChildren" : "\\HasNoChildren");
            if (showSubscribed && e.subscribed()) ctx.out.atom("\\Subscribed");
            if (exists && e.mailbox().specialUse().isPresent()) ctx.out.atom(e.mailbox().specialUse().get().attribute());
            ctx.out.close().string("/").mailbox(e.name());
            if (!childInfo.isEmpty()) {
                ctx.out.open().string("CHILDINFO").open();
                for (String i : childInfo) ctx.out.string(i);
                ctx.out.close().close();
            }
            ctx.out.end();
            if (withStatus && exists && e.rights().has('r')) {
                long owner = e.mailbox().accountId();
                MailboxStatus st = ctx.store(owner).readOne(tx -> MailboxHandler.statusOf(ctx, tx, e.mailbox().id()));
                MailboxHandler.writeStatus(ctx, owner, e.name(), e.mailbox().id(), st, c.statusItems());
            }
            if (withRights && exists) { // RFC 8440
                ctx.out.star().atom("MYRIGHTS").mailbox(e.name()).atom(e.rights().toString()).end(); // "l" at least
            }
        }
        return Done.ok("LIST completed");
    }

    /** RFC 3501 §6.3.9: subscribed names; a matching level with subscribed children only is \Noselect. */
    static Done lsub(CommandContext ctx, ImapCommand.Lsub c) throws IOException {
        String pattern = MailboxNames.normalize(c.reference()) + MailboxNames.normalize(c.pattern());
        if (pattern.isEmpty()) {
            ctx.out.star().atom("LSUB").open().atom("\\Noselect").close().string("/").string("").end();
            return Done.ok("LSUB completed");
        }
        Map<String, Entry> entries = hierarchy(ctx);
        for (Entry e : entries.values()) {
            if (!matches(pattern, e.name())) continue;
            if (e.subscribed()) {
                ctx.out.star().atom("LSUB").open().close().string("/").mailbox(e.name()).end();
            } else if (e.hasSubscribedChild() && pattern.endsWith("%")) {
                ctx.out.star().atom("LSUB").open().atom("\\Noselect").close().string("/").mailbox(e.name()).end();
            }
        }
        return Done.ok("LSUB completed");
    }

    /** Every name of the account: mailboxes, their ancestors and subscriptions, in name order. */
    private static TreeMap<String, Entry> hierarchy(CommandContext ctx) {
        MailboxGrants.Listing listing = ctx.grants().listing(ctx.account());
        ReadTx.MailboxTree d = listing.own();
        Map<String, Mailbox> byName = new HashMap<>();
        Map<String, Rights> granted = new HashMap<>();
        for (Mailbox m : d.mailboxes()) byName.put(m.name(), m);
        Optional<String> sharedAccount = MailboxAccess.sharedAccount(ctx);
        for (MailboxGrants.Shared shared : listing.shared()) {
            if (!shared.rights().has('l')) continue; // RFC 4314 §4: LIST shows only what "l" allows
            String name = MailboxAccess.otherName(sharedAccount, shared.owner(), shared.mailbox().name());
            byName.put(name, shared.mailbox());
            granted.put(name, shared.rights());
        }
        Set<String> subscribed = new HashSet<>(d.subscriptions());
        Set<String> names = new HashSet<>(byName.keySet());
        names.addAll(subscribed);
        Set<String> withChildren = new HashSet<>();
        Set<String> withSubscribedChild = new HashSet<>();
        for (String n : new ArrayList<>(names)) {
            for (int i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) {
                String parent = n.substring(0, i);
                if (byName.containsKey(n)) {
                    names.add(parent);
                    withChildren.add(parent);
                }
                if (subscribed.contains(n)) withSubscribedChild.add(parent);
            }
        }
        TreeMap<String, Entry> out = new TreeMap<>();
        for (String n : names) {
            out.put(n, new Entry(n, byName.get(n), subscribed.contains(n), withChildren.contains(n), withSubscribedChild.contains(n),
                    granted.getOrDefault(n, Rights.ALL)));
        }
        return out;
    }

    /**
     * RFC 5258 §3.3 rule 2B and §3.5: a parent that is not itself subscribed is listed with CHILDINFO
     * only for a subscribed descendant that is not listed in its own right (one no pattern matches);
     * CHILDINFO for children the answer already shows would be redundant.
     */
    private static boolean hasUnlistedSubscribedDescendant(TreeMap<String, Entry> entries, String name, List<String> patterns) {
        // the descendants "name/..." are one contiguous run of the sorted names: from "name/" up to "name0"
        for (Entry d : entries.subMap(name + "/", name + (char) ('/' + 1)).values()) {
            if (d.subscribed() && !matchesAny(patterns, d.name())) return true;
        }
        return false;
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (String p : patterns) if (matches(p, name)) return true;
        return false;
    }

    /**
     * RFC 3501 §6.3.8 wildcards: '*' matches anything, '%' anything but the separator. A leading
     * "INBOX" level matches in any case, as INBOX is case-insensitive.
     */
    static boolean matches(String pattern, String name) {
        boolean inbox = name.equals(Mailbox.INBOX) || name.startsWith(Mailbox.INBOX + "/");
        int n = name.length(), m = pattern.length();
        boolean[] prev = new boolean[n + 1], cur = new boolean[n + 1];
        prev[0] = true;
        for (int i = 1; i <= m; i++) {
            char p = pattern.charAt(i - 1);
            cur[0] = prev[0] && (p == '*' || p == '%');
            for (int j = 1; j <= n; j++) {
                char c = name.charAt(j - 1);
                if (p == '*') {
                    cur[j] = prev[j] || cur[j - 1];
                } else if (p == '%') {
                    cur[j] = prev[j] || (cur[j - 1] && c != '/');
                } else {
                    boolean same = p == c || (inbox && j <= 5 && Character.toUpperCase(p) == c);
                    cur[j] = prev[j - 1] && same;
                }
            }
            boolean[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[n];
    }
}
