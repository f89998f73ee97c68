package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.MAX_ITEMS;
import static dev.letterbox.imap.ImapParser.printable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5465 §8 NOTIFY: "NONE", or "SET" [SP "STATUS"] and event groups, each a mailbox filter with
 * its events (or NONE). Event names are upper-cased and checked by the server (an unknown one is a
 * NO [BADEVENT], not a syntax error); groups and mailboxes per group are bounded.
 */
final class NotifyCommandParser extends CommandParser {
    /** Most event groups in one NOTIFY SET. */
    static final int MAX_GROUPS = 20;

    NotifyCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    ImapCommand parse() throws ImapSyntaxException {
        t.sp();
        String what = t.atomUpper();
        if (what.equals("NONE")) return new ImapCommand.Notify(tag, false, List.of());
        if (!what.equals("SET")) throw new ImapSyntaxException("NOTIFY takes SET or NONE");
        t.sp();
        boolean status = false;
        if (peekWord("STATUS")) {
            t.atom();
            t.sp();
            status = true;
        }
        List<ImapCommand.NotifyGroup> groups = new ArrayList<>();
        do {
            if (groups.size() >= MAX_GROUPS) throw new ImapSyntaxException("too many event groups");
            groups.add(group());
        } while (t.trySp());
        return new ImapCommand.Notify(tag, status, List.copyOf(groups));
    }

    /** event-group = "(" filter-mailboxes SP events ")". */
    private ImapCommand.NotifyGroup group() throws ImapSyntaxException {
        t.expect('(');
        String filter = t.atomUpper();
        List<String> mailboxes = List.of();
        switch (filter) {
            case "SELECTED", "SELECTED-DELAYED", "INBOXES", "PERSONAL", "SUBSCRIBED" -> { }
            case "SUBTREE", "MAILBOXES" -> {
                t.sp();
                mailboxes = t.peek() == '(' ? parenList(this::mailbox, false) : List.of(mailbox());
            }
            default -> throw new ImapSyntaxException("unknown mailbox filter " + printable(filter));
        }
        t.sp();
        List<String> events = new ArrayList<>();
        List<FetchAttr> fetch = List.of();
        if (!t.tryConsume('(')) {
            if (!t.atomUpper().equals("NONE")) throw new ImapSyntaxException("expected a list of events or NONE");
        } else {
            while (true) {
                if (events.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many events");
                String event = t.atom().toUpperCase(Locale.ROOT);
                events.add(event);
                if (!t.trySp()) break;
                if (event.equals("MESSAGENEW") && t.peek() == '(') { // MessageNew's fetch attributes
                    if (!filter.startsWith("SELECTED")) {
                        throw new ImapSyntaxException("MessageNew fetch attributes are only for the selected mailbox");
                    }
                    fetch = new FetchParser(t).attributes();
                    if (!t.trySp()) break;
                }
            }
            t.expect(')');
        }
        t.expect(')');
        return new ImapCommand.NotifyGroup(filter, List.copyOf(mailboxes), List.copyOf(events), fetch);
    }
}
