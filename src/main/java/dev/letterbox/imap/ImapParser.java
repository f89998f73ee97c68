package dev.letterbox.imap;

import java.util.Optional;

/**
 * Turns a {@link RawCommand} into an {@link ImapCommand}, following the grammar of RFC 3501 §9,
 * RFC 9051 §9 and of each extension. Commands without arguments are built here; the others go to
 * the parser of their family: {@link SessionCommandParser}, {@link MailboxCommandParser},
 * {@link MessageCommandParser}. Every list has a bound ({@link #MAX_ITEMS}); search keys also have
 * a nesting bound ({@link SearchParser#MAX_DEPTH}).
 */
public final class ImapParser {
    /** Most items in any one parenthesised list (flags, fetch items, status items, patterns...). */
    public static final int MAX_ITEMS = 1000;

    /** How mailbox names are written on the wire: UTF-8 after ENABLE UTF8=ACCEPT / IMAP4rev2, else mUTF-7. */
    public record Context(boolean utf8Names) {}

    private ImapParser() {}

    public static ImapCommand parse(RawCommand raw, Context ctx) throws ImapSyntaxException {
        Tokens t = new Tokens(raw);
        String tag = tag(t);
        t.sp();
        String name = t.atomUpper();
        ImapCommand command;
        if (name.equals("UID")) {
            t.sp();
            command = new MessageCommandParser(t, tag, ctx).parse(t.atomUpper(), true);
        } else {
            command = command(name, t, tag, ctx);
        }
        t.end();
        return command;
    }

    private static String tag(Tokens t) throws ImapSyntaxException {
        String tag = t.run(b -> Chars.isAstringChar(b) && b != '+');
        if (tag.isEmpty()) throw new ImapSyntaxException("missing tag");
        return tag;
    }

    private static ImapCommand command(String name, Tokens t, String tag, Context ctx) throws ImapSyntaxException {
        return switch (name) {
            case "CAPABILITY" -> new ImapCommand.Capability(tag);
            case "NOOP" -> new ImapCommand.Noop(tag);
            case "LOGOUT" -> new ImapCommand.Logout(tag);
            case "STARTTLS" -> new ImapCommand.StartTls(tag);
            case "CHECK" -> new ImapCommand.Check(tag);
            case "CLOSE" -> new ImapCommand.Close(tag);
            case "UNSELECT" -> new ImapCommand.Unselect(tag);
            case "EXPUNGE" -> new ImapCommand.Expunge(tag, Optional.empty());
            case "NAMESPACE" -> new ImapCommand.Namespace(tag);
            case "IDLE" -> new ImapCommand.Idle(tag);
            case "AUTHENTICATE", "LOGIN", "ID", "ENABLE", "COMPRESS" -> new SessionCommandParser(t, tag, ctx).parse(name);
            case "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS",
                 "APPEND", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA" -> new MailboxCommandParser(t, tag, ctx).parse(name);
            case "SETACL", "DELETEACL", "GETACL", "LISTRIGHTS", "MYRIGHTS" -> new AclCommandParser(t, tag, ctx).parse(name);
            case "FETCH", "STORE", "COPY", "MOVE", "SEARCH", "SORT", "THREAD" -> new MessageCommandParser(t, tag, ctx).parse(name, false);
            case "GENURLAUTH", "RESETKEY", "URLFETCH" -> new UrlCommandParser(t, tag, ctx).parse(name);
            case "GETMETADATA", "SETMETADATA" -> new MetadataCommandParser(t, tag, ctx).parse(name);
            case "NOTIFY" -> new NotifyCommandParser(t, tag, ctx).parse();
            case "CANCELUPDATE" -> new MessageCommandParser(t, tag, ctx).cancelUpdate();
            default -> throw new ImapSyntaxException("unknown command " + printable(name));
        };
    }

    /** Client text made safe to echo in a response line. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
