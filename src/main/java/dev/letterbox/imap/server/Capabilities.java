package dev.letterbox.imap.server;

import java.util.ArrayList;
import java.util.List;

/**
 * What CAPABILITY says (RFC 3501 §6.1.1, RFC 9051 §6.1.1): before login only what a client needs
 * to log in (STARTTLS and LOGINDISABLED on a plaintext connection unless plaintext logins are
 * allowed there); after login every extension. Only extensions that fully work are listed.
 */
final class Capabilities {
    private static final List<String> BEFORE_LOGIN = List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID",
            "ENABLE", "IDLE");

    private static final List<String> AFTER_LOGIN = List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "ID", "ENABLE", "IDLE",
            "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE",
            "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "SEARCHRES", "CONDSTORE", "QRESYNC", "QUOTA", "QUOTA=RES-STORAGE",
            "STATUS=SIZE", "SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "I18NLEVEL=1", "BINARY",
            "UTF8=ACCEPT", "SAVEDATE", "OBJECTID", "PREVIEW", "WITHIN",
            "MULTIAPPEND", "CATENATE", "URLAUTH", "URLAUTH=BINARY", "ESORT", "CONTEXT=SEARCH", "CONTEXT=SORT", "PARTIAL",
            "METADATA", "METADATA-SERVER", "NOTIFY");

    private Capabilities() {}

    static List<String> of(CommandContext ctx) {
        boolean authenticated = ctx.loggedIn();
        List<String> caps = new ArrayList<>(authenticated ? AFTER_LOGIN : BEFORE_LOGIN);
        if (authenticated) {
            caps.add("APPENDLIMIT=" + ctx.config().appendLimit());
            caps.addAll(List.of("ACL", "RIGHTS=texk", "LIST-MYRIGHTS")); // RFC 4314, RFC 8440
            if (!ctx.compressing()) caps.add("COMPRESS=DEFLATE");
        } else {
            if (!ctx.isTls()) caps.add("STARTTLS");
            if (ctx.plaintextAllowed()) {
                caps.add("AUTH=PLAIN");
                for (String m : dev.letterbox.auth.LoginGuard.scramMechanisms(ctx.canBindChannel())) caps.add("AUTH=" + m);
            } else {
                caps.add("LOGINDISABLED");
            }
        }
        return caps;
    }
}
