package dev.letterbox.store.sql;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MailboxException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store's rules for mailbox names: '/'-separated non-empty components, no control characters,
 * at most {@link #MAX_BYTES} bytes of UTF-8. A first component spelled "inbox" in any case is INBOX
 * (RFC 3501 §5.1: INBOX is case-insensitive), stored as "INBOX", so "inbox/Lists" is "INBOX/Lists".
 *
 * <p>A new name (CREATE, the target of RENAME) must also have no level "." or "..": they mean
 * nothing here, yet a client, a backup script or a future file-backed store reading
 * "../bob@example.com/INBOX" as a path would look outside the account. Names made before this rule
 * can still be found, renamed and deleted.
 */
final class MailboxNames {
    static final int MAX_BYTES = 255;

    private MailboxNames() {}

    /** The stored form of a name given by a client, or INVALID_NAME saying what is wrong. */
    static String canonical(String name) {
        String problem = problem(name);
        if (problem != null) throw new MailboxException(MailboxException.Reason.INVALID_NAME, problem);
        return inboxSpelled(name);
    }

    /** {@link #canonical} for a name about to be given to a mailbox: also no "." or ".." level. */
    static String canonicalNew(String name) {
        String stored = canonical(name);
        for (String level : stored.split(String.valueOf(Mailbox.SEPARATOR), -1)) {
            if (level.equals(".") || level.equals("..")) {
                throw new MailboxException(MailboxException.Reason.INVALID_NAME,
                        "mailbox name has a level \"" + level + "\"; \".\" and \"..\" are not allowed as levels");
            }
        }
        return stored;
    }

    /** The stored form, or empty when no mailbox can have this name (lookups just find nothing). */
    static Optional<String> lookupForm(String name) {
        return problem(name) == null ? Optional.of(inboxSpelled(name)) : Optional.empty();
    }

    /** The proper ancestors of a canonical name, outermost first: "a/b/c" gives "a", "a/b". */
    static List<String> parents(String name) {
        List<String> out = new ArrayList<>();
        for (int i = name.indexOf(Mailbox.SEPARATOR); i >= 0; i = name.indexOf(Mailbox.SEPARATOR, i + 1)) {
            out.add(name.substring(0, i));
        }
        return out;
    }

    /** True when {@code name} is {@code ancestor} or lies below it. */
    static boolean isSelfOrBelow(String name, String ancestor) {
        return name.equals(ancestor)
                || (name.length() > ancestor.length() && name.startsWith(ancestor)
                    && name.charAt(ancestor.length()) == Mailbox.SEPARATOR);
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) return "mailbox name is empty";
        if (name.charAt(0) == Mailbox.SEPARATOR || name.charAt(name.length() - 1) == Mailbox.SEPARATOR) {
            return "mailbox name starts or ends with the hierarchy separator";
        }
        if (name.contains("" + Mailbox.SEPARATOR + Mailbox.SEPARATOR)) return "mailbox name has an empty level";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return "mailbox name contains a control character";
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) return "mailbox name is not valid Unicode";
                i++;
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "mailbox name is longer than " + MAX_BYTES + " bytes";
        }
        return null;
    }

    private static String inboxSpelled(String name) {
        int end = name.indexOf(Mailbox.SEPARATOR);
        String first = end < 0 ? name : name.substring(0, end);
        if (!isInbox(first) || first.equals(Mailbox.INBOX)) return name;
        return Mailbox.INBOX + name.substring(first.length());
    }

    /** ASCII case-insensitive: equalsIgnoreCase would also take "ınbox" (dotless ı) for INBOX. */
    private static boolean isInbox(String s) {
        if (s.length() != Mailbox.INBOX.length()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') c = (char) (c - ('a' - 'A'));
            if (c != Mailbox.INBOX.charAt(i)) return false;
        }
        return true;
    }
}
