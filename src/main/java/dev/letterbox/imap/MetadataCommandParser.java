package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.printable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5464 GETMETADATA and SETMETADATA. Entry names are checked here (§3.2: under /private or
 * /shared, slash-separated, no wildcards, printable ASCII) and lower-cased, since they compare
 * case-insensitively; their number and length are bounded.
 */
final class MetadataCommandParser extends CommandParser {
    /** Longest entry name accepted. */
    static final int MAX_ENTRY_NAME = 256;
    /** Most entries in one command. */
    static final int MAX_ENTRIES = 100;

    MetadataCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    ImapCommand parse(String name) throws ImapSyntaxException {
        t.sp();
        return name.equals("GETMETADATA") ? get() : set();
    }

    /** getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries (§4.2). */
    private ImapCommand get() throws ImapSyntaxException {
        long maxSize = -1;
        int depth = 0;
        if (t.tryConsume('(')) {
            do {
                String option = t.atomUpper();
                t.sp();
                switch (option) {
                    case "MAXSIZE" -> maxSize = t.number();
                    case "DEPTH" -> {
                        String d = t.atomUpper();
                        depth = switch (d) {
                            case "0" -> 0;
                            case "1" -> 1;
                            case "INFINITY" -> ImapCommand.GetMetadata.INFINITY;
                            default -> throw new ImapSyntaxException("DEPTH is 0, 1 or infinity");
                        };
                    }
                    default -> throw new ImapSyntaxException("unknown GETMETADATA option " + printable(option));
                }
            } while (t.trySp());
            t.expect(')');
            t.sp();
        }
        String mailbox = mailbox();
        t.sp();
        List<String> entries = new ArrayList<>();
        if (t.tryConsume('(')) {
            do {
                if (entries.size() >= MAX_ENTRIES) throw new ImapSyntaxException("too many entries");
                entries.add(entry());
            } while (t.trySp());
            t.expect(')');
        } else {
            entries.add(entry());
        }
        return new ImapCommand.GetMetadata(tag, mailbox, List.copyOf(entries), maxSize, depth);
    }

    /** setmetadata = "SETMETADATA" SP mailbox SP "(" entry SP value *(SP entry SP value) ")" (§4.3). */
    private ImapCommand set() throws ImapSyntaxException {
        String mailbox = mailbox();
        t.sp();
        t.expect('(');
        List<ImapCommand.MetadataValue> values = new ArrayList<>();
        do {
            if (values.size() >= MAX_ENTRIES) throw new ImapSyntaxException("too many entries");
            String entry = entry();
            t.sp();
            values.add(new ImapCommand.MetadataValue(entry, value()));
        } while (t.trySp());
        t.expect(')');
        return new ImapCommand.SetMetadata(tag, mailbox, List.copyOf(values));
    }

    /** value = nstring / literal8 (§5): NIL (null) removes the entry; a literal8 may hold any octets. */
    private byte[] value() throws ImapSyntaxException {
        if (t.peek() == '"') return t.stringBytes();
        if (t.atLiteral()) {
            if (!(t.literal() instanceof Literal.InMemory m)) throw new ImapSyntaxException("value too large");
            return m.bytes();
        }
        String nil = t.atom();
        if (!nil.equalsIgnoreCase("NIL")) throw new ImapSyntaxException("expected a value or NIL");
        return null;
    }

    /** An entry name, lower-cased; BAD unless it is one RFC 5464 §3.2 allows. */
    private String entry() throws ImapSyntaxException {
        String name = t.astring();
        if (name.length() > MAX_ENTRY_NAME) throw new ImapSyntaxException("entry name too long");
        String lower = name.toLowerCase(Locale.ROOT);
        boolean ok = (lower.startsWith("/private/") || lower.startsWith("/shared/")) && !lower.endsWith("/")
                && !lower.contains("//");
        for (int i = 0; ok && i < lower.length(); i++) {
            char c = lower.charAt(i);
            ok = c > 0x20 && c < 0x7f && c != '*' && c != '%';
        }
        if (!ok) throw new ImapSyntaxException("invalid entry name " + printable(name));
        return lower;
    }
}
