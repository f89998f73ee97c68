package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.MAX_ITEMS;
import static dev.letterbox.imap.ImapParser.printable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Commands on the selected mailbox's messages, plain or after UID: FETCH, STORE, COPY, MOVE,
 * SEARCH, SORT and THREAD (RFC 5256), and UID EXPUNGE (RFC 4315).
 */
final class MessageCommandParser extends CommandParser {
    MessageCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    /** {@code uid}: the command came after "UID"; names only UID takes are refused without it. */
    ImapCommand parse(String name, boolean uid) throws ImapSyntaxException {
        return switch (name) {
            case "FETCH" -> fetch(uid);
            case "STORE" -> store(uid);
            case "COPY" -> copy(uid);
            case "MOVE" -> move(uid);
            case "SEARCH" -> search(uid);
            case "SORT" -> sort(uid);
            case "THREAD" -> thread(uid);
            case "EXPUNGE" -> {
                if (!uid) throw new IllegalArgumentException("plain EXPUNGE has no arguments");
                t.sp();
                yield new ImapCommand.Expunge(tag, Optional.of(t.sequenceSet()));
            }
            default -> throw new ImapSyntaxException("unknown UID command " + printable(name));
        };
    }

    /** RFC 3501 §6.4.4 with RFC 4731 RETURN and the CHARSET argument. */
    private ImapCommand search(boolean uid) throws ImapSyntaxException {
        t.sp();
        Returns returns = new Returns(false, List.of(), Optional.empty());
        if (peekWord("RETURN")) returns = returns(List.of("MIN", "MAX", "ALL", "COUNT", "SAVE", "UPDATE", "PARTIAL"));
        if (peekWord("CHARSET")) {
            t.atom();
            t.sp();
            charset(t.astring());
            t.sp();
        }
        return new ImapCommand.Search(tag, uid, returns.esearch, returns.options, returns.partial, new SearchParser(t).keys());
    }

    /** RFC 5256 §3: SORT (criteria) charset key...; RFC 5267 ESORT puts RETURN (...) first. */
    private ImapCommand sort(boolean uid) throws ImapSyntaxException {
        t.sp();
        Returns returns = new Returns(false, List.of(), Optional.empty());
        if (peekWord("RETURN")) returns = returns(List.of("MIN", "MAX", "ALL", "COUNT", "UPDATE", "PARTIAL"));
        List<String> criteria = upper(parenList(t::atom, false));
        for (int i = 0; i < criteria.size(); i++) {
            String c = criteria.get(i);
            boolean known = List.of("ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO").contains(c);
            boolean reverse = c.equals("REVERSE") && i + 1 < criteria.size() && !criteria.get(i + 1).equals("REVERSE");
            if (!known && !reverse) throw new ImapSyntaxException("invalid sort criterion " + printable(c));
        }
        t.sp();
        charset(t.astring());
        t.sp();
        return new ImapCommand.Sort(tag, uid, criteria, returns.esearch, returns.options, returns.partial,
                new SearchParser(t).keys());
    }

    private record Returns(boolean esearch, List<String> options, Optional<ImapCommand.PartialRange> partial) {}

    /**
     * "RETURN (" option *(SP option) ")" SP: RFC 4731 §3.1, RFC 5267 §4.1 UPDATE, RFC 9394 §3.1
     * PARTIAL with its range (ALL and PARTIAL together make no sense: refused).
     */
    private Returns returns(List<String> allowed) throws ImapSyntaxException {
        t.atom();
        t.sp();
        List<String> options = new ArrayList<>();
        Optional<ImapCommand.PartialRange> partial = Optional.empty();
        t.expect('(');
        if (!t.tryConsume(')')) {
            int given = 0;
            do {
                if (++given > 2 * allowed.size()) throw new ImapSyntaxException("too many return options");
                String option = t.atomUpper();
                if (!allowed.contains(option)) throw new ImapSyntaxException("unknown return option " + printable(option));
                if (option.equals("PARTIAL")) {
                    if (partial.isPresent()) throw new ImapSyntaxException("PARTIAL given twice");
                    t.sp();
                    partial = Optional.of(partialRange());
                }
                if (!options.contains(option)) options.add(option);
            } while (t.trySp());
            t.expect(')');
        }
        if (options.contains("ALL") && options.contains("PARTIAL")) throw new ImapSyntaxException("ALL and PARTIAL exclude each other");
        t.sp();
        return new Returns(true, List.copyOf(options), partial);
    }

    /** RFC 9394 partial-range: "a:b" or "-a:-b" (nz-numbers, either order); kept smaller magnitude first. */
    private ImapCommand.PartialRange partialRange() throws ImapSyntaxException {
        boolean negative = t.tryConsume('-');
        long a = t.nzNumber();
        t.expect(':');
        if (t.tryConsume('-') != negative) throw new ImapSyntaxException("a partial range is both positive or both negative");
        long b = t.nzNumber();
        long low = Math.min(a, b), high = Math.max(a, b);
        return negative ? new ImapCommand.PartialRange(-low, -high) : new ImapCommand.PartialRange(low, high);
    }

    /** RFC 5267 §4.2: CANCELUPDATE "tag" *(SP "tag"). */
    ImapCommand cancelUpdate() throws ImapSyntaxException {
        List<String> tags = new ArrayList<>();
        do {
            t.sp();
            if (tags.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many tags");
            tags.add(t.string());
        } while (!t.atEnd());
        return new ImapCommand.CancelUpdate(tag, tags);
    }

    private ImapCommand thread(boolean uid) throws ImapSyntaxException {
        t.sp();
        String algorithm = t.atomUpper();
        if (!algorithm.equals("ORDEREDSUBJECT") && !algorithm.equals("REFERENCES")) {
            throw new ImapSyntaxException("unknown THREAD algorithm " + printable(algorithm));
        }
        t.sp();
        charset(t.astring());
        t.sp();
        return new ImapCommand.ThreadMessages(tag, uid, algorithm, new SearchParser(t).keys());
    }

    private void charset(String name) throws ImapSyntaxException {
        java.nio.charset.Charset cs;
        try {
            cs = java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException(Status.NO, ResponseCode.badCharset(List.of("UTF-8", "US-ASCII")),
                    "charset not supported");
        }
        t.charset(cs);
    }

    private ImapCommand fetch(boolean uid) throws ImapSyntaxException {
        t.sp();
        SequenceSet set = t.sequenceSet();
        t.sp();
        List<FetchAttr> attrs = new FetchParser(t).attributes();
        OptionalLong changedSince = OptionalLong.empty();
        boolean vanished = false;
        Optional<ImapCommand.PartialRange> partial = Optional.empty();
        if (t.trySp()) { // RFC 7162 §3.1.4 / §3.2.6 and RFC 9394 §3.2 fetch modifiers
            t.expect('(');
            do {
                String mod = t.atomUpper();
                switch (mod) {
                    case "CHANGEDSINCE" -> {
                        t.sp();
                        changedSince = OptionalLong.of(t.modSeq());
                    }
                    case "VANISHED" -> {
                        if (!uid) throw new ImapSyntaxException("VANISHED is only allowed in UID FETCH");
                        vanished = true;
                    }
                    case "PARTIAL" -> {
                        if (partial.isPresent()) throw new ImapSyntaxException("PARTIAL given twice");
                        t.sp();
                        partial = Optional.of(partialRange());
                    }
                    default -> throw new ImapSyntaxException("unknown FETCH modifier " + printable(mod));
                }
            } while (t.trySp());
            t.expect(')');
            if (vanished && changedSince.isEmpty()) throw new ImapSyntaxException("VANISHED requires CHANGEDSINCE");
        }
        return new ImapCommand.Fetch(tag, uid, set, attrs, changedSince, vanished, partial);
    }

    private ImapCommand store(boolean uid) throws ImapSyntaxException {
        t.sp();
        SequenceSet set = t.sequenceSet();
        t.sp();
        OptionalLong unchangedSince = OptionalLong.empty();
        if (t.tryConsume('(')) { // RFC 7162 §3.1.3
            String mod = t.atomUpper();
            if (!mod.equals("UNCHANGEDSINCE")) throw new ImapSyntaxException("unknown STORE modifier " + printable(mod));
            t.sp();
            unchangedSince = OptionalLong.of(t.modSeq());
            t.expect(')');
            t.sp();
        }
        ImapCommand.StoreMode mode = ImapCommand.StoreMode.REPLACE;
        if (t.tryConsume('+')) mode = ImapCommand.StoreMode.ADD;
        else if (t.tryConsume('-')) mode = ImapCommand.StoreMode.REMOVE;
        String item = t.atomUpper();
        boolean silent = item.equals("FLAGS.SILENT");
        if (!silent && !item.equals("FLAGS")) throw new ImapSyntaxException("expected FLAGS or FLAGS.SILENT");
        t.sp();
        List<String> flags;
        if (t.peek() == '(') {
            flags = parenList(t::flag, true);
        } else {
            flags = new ArrayList<>();
            do {
                if (flags.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many flags");
                flags.add(t.flag());
            } while (t.trySp());
        }
        for (String f : flags) {
            if (f.equals("\\*") || f.equalsIgnoreCase("\\Recent")) {
                throw new ImapSyntaxException("flag " + f + " cannot be stored");
            }
        }
        return new ImapCommand.Store(tag, uid, set, unchangedSince, mode, silent, flags);
    }

    private ImapCommand copy(boolean uid) throws ImapSyntaxException {
        t.sp();
        SequenceSet set = t.sequenceSet();
        return new ImapCommand.Copy(tag, uid, set, spMailbox());
    }

    private ImapCommand move(boolean uid) throws ImapSyntaxException {
        t.sp();
        SequenceSet set = t.sequenceSet();
        return new ImapCommand.Move(tag, uid, set, spMailbox());
    }
}
