package dev.letterbox.imap.server;

import java.text.Normalizer;

/**
 * Mailbox names as IMAP clients send them, made ready for the store: Unicode NFC (RFC 9051 §5.1,
 * RFC 6855 §3, so "é" typed two ways names one mailbox). The store validates the rest (empty
 * levels, control characters, length; no "." or ".." level in a name being created or renamed to)
 * and only ever looks inside the logged-in account.
 */
final class MailboxNames {
    private MailboxNames() {}

    static String normalize(String name) {
        return Normalizer.isNormalized(name, Normalizer.Form.NFC) ? name : Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    /** Why a name cannot be created, beyond the store's own rules; null when it can. */
    static String createProblem(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' || c == '*') return "Mailbox names cannot contain the LIST wildcards % and *";
        }
        return null;
    }
}
