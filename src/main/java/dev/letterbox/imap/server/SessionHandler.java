package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Commands about the session itself: ID, ENABLE, COMPRESS, NAMESPACE. */
final class SessionHandler {
    private SessionHandler() {}

    /** RFC 2971: the client's identification is logged; ours is the product name only. */
    static Done id(CommandContext ctx, ImapCommand.Id c) throws IOException {
        if (c.parameters() != null) {
            String name = c.parameters().getOrDefault("name", "?"), version = c.parameters().getOrDefault("version", "?");
            ImapSession.debug("{0}: client ID {1} {2}", ctx.who(), printable(name), printable(version));
        }
        ctx.out.star().atom("ID").open().string("name").string("Letterbox").string("vendor").string("Letterbox").close().end();
        return Done.ok("ID completed");
    }

    /**
     * RFC 5161 ENABLE: CONDSTORE and QRESYNC (RFC 7162 §3.2.3: QRESYNC implies CONDSTORE),
     * IMAP4rev2 (RFC 9051) and UTF8=ACCEPT (RFC 6855). Unknown names are ignored; ENABLED lists
     * what this command newly turned on.
     */
    static Done enable(CommandContext ctx, ImapCommand.Enable c) throws IOException {
        List<String> enabled = new ArrayList<>();
        boolean condstore = ctx.condstoreBeforeCommand(); // the session turned it on before this handler ran
        for (String cap : c.capabilities()) {
            switch (cap) {
                case "CONDSTORE" -> {
                    if (!condstore) enabled.add("CONDSTORE");
                    condstore = true;
                }
                case "QRESYNC" -> {
                    if (!ctx.enabled.qresync) enabled.add("QRESYNC");
                    ctx.enabled.qresync = true;
                    condstore = true;
                }
                case "IMAP4REV2" -> {
                    if (!ctx.enabled.rev2) enabled.add("IMAP4rev2");
                    ctx.enabled.rev2 = true;
                    ctx.enabled.utf8 = true;
                }
                case "UTF8=ACCEPT" -> {
                    if (!ctx.enabled.utf8) enabled.add("UTF8=ACCEPT");
                    ctx.enabled.utf8 = true;
                }
                default -> { }
            }
        }
        ctx.out.utf8(ctx.enabled.utf8);
        ctx.out.star().atom("ENABLED");
        for (String e : enabled) ctx.out.atom(e);
        ctx.out.end();
        return Done.ok("Enabled");
    }

    /** RFC 4978: the OK goes out uncompressed, everything after it compressed. */
    static Done compress(CommandContext ctx, ImapCommand.Compress c) throws IOException {
        if (ctx.compressing()) return Done.no(ResponseCode.compressionActive(), "Compression is already active");
        if (!c.mechanism().equals("DEFLATE")) return Done.bad("Unknown compression mechanism");
        ctx.out.tagged(c.tag(), Status.OK, null, "DEFLATE active");
        ctx.startCompression();
        return null;
    }

    /**
     * RFC 2342: the personal namespace without a prefix, others' mailboxes that were shared with
     * the user under "Other Users/owner/", and a shared namespace "Shared/"; "/" separates levels.
     */
    static Done namespace(CommandContext ctx) throws IOException {
        ctx.out.star().atom("NAMESPACE").open().open().string("").string("/").close().close()
                .open().open().string(MailboxAccess.OTHER_USERS + "/").string("/").close().close()
                .open().open().string(MailboxAccess.SHARED + "/").string("/").close().close().end();
        return Done.ok("Namespace completed");
    }

    static String printable(String s) {
        if (s == null) return "NIL";
        String cut = s.length() > 60 ? s.substring(0, 60) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
