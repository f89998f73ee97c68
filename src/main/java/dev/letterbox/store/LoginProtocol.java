package dev.letterbox.store;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The protocol a login is for: what an app password may be limited to. Finer than the account's
 * {@link Protocol} switches, which it maps to: ManageSieve (and JMAP, later) come with mailbox access.
 */
public enum LoginProtocol {
    IMAP(Protocol.IMAP), POP3(Protocol.POP3), SMTP(Protocol.SMTP), MANAGESIEVE(Protocol.IMAP), JMAP(Protocol.IMAP);

    private final Protocol accountSwitch;

    LoginProtocol(Protocol accountSwitch) {
        this.accountSwitch = accountSwitch;
    }

    /** The account's protocol switch that must be on for this protocol. */
    public Protocol accountSwitch() {
        return accountSwitch;
    }

    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Set<LoginProtocol> all() {
        return EnumSet.allOf(LoginProtocol.class);
    }

    /** Parses "imap,smtp" (any case, spaces allowed); refuses unknown names and the empty list. */
    public static Set<LoginProtocol> parseList(String text) {
        Set<LoginProtocol> result = EnumSet.noneOf(LoginProtocol.class);
        for (String part : text.split(",")) {
            String name = part.strip();
            if (name.isEmpty()) continue;
            try {
                result.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown protocol '" + name + "' (known: imap, pop3, smtp, managesieve, jmap)");
            }
        }
        if (result.isEmpty()) throw new IllegalArgumentException("no protocol given (known: imap, pop3, smtp, managesieve, jmap)");
        return result;
    }

    public static String formatList(Set<LoginProtocol> protocols) {
        StringBuilder sb = new StringBuilder();
        for (LoginProtocol p : protocols) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(p.lowerName());
        }
        return sb.toString();
    }
}
