package dev.letterbox.imap;

/** The access control commands of RFC 4314 §3: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS. */
final class AclCommandParser extends CommandParser {
    /** Longest identifier (an account's address) or rights string accepted. */
    private static final int MAX_ARGUMENT = 320;

    AclCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    ImapCommand parse(String name) throws ImapSyntaxException {
        String mailbox = spMailbox();
        return switch (name) {
            case "SETACL" -> {
                String identifier = spArgument();
                yield new ImapCommand.SetAcl(tag, mailbox, identifier, spArgument());
            }
            case "DELETEACL" -> new ImapCommand.DeleteAcl(tag, mailbox, spArgument());
            case "GETACL" -> new ImapCommand.GetAcl(tag, mailbox);
            case "LISTRIGHTS" -> new ImapCommand.ListRights(tag, mailbox, spArgument());
            case "MYRIGHTS" -> new ImapCommand.MyRights(tag, mailbox);
            default -> throw new IllegalArgumentException("not an ACL command: " + name);
        };
    }

    private String spArgument() throws ImapSyntaxException {
        t.sp();
        String value = t.astring();
        if (value.length() > MAX_ARGUMENT) throw new ImapSyntaxException("argument too long");
        return value;
    }
}
