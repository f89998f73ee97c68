package dev.letterbox.store;

/**
 * A request the store refuses for a reason the user can act on; nothing was changed.
 * The {@link Reason} lets each protocol pick its response code.
 */
public class MailboxException extends RuntimeException {
    public enum Reason {
        /** No such mailbox / message. IMAP [NONEXISTENT]. */
        NONEXISTENT,
        /** The name is taken. IMAP [ALREADYEXISTS]. */
        ALREADY_EXISTS,
        /** The name is not acceptable (empty, bad hierarchy, too long). IMAP [CANNOT]. */
        INVALID_NAME,
        /** The operation is not allowed on this mailbox (delete INBOX, ...). IMAP [CANNOT]. */
        NOT_ALLOWED,
        /** Storing would exceed the account's quota. IMAP [OVERQUOTA], SMTP 552 5.2.2, POP3 n/a. */
        OVER_QUOTA,
        /** Too many mailboxes, keywords, etc. IMAP [LIMIT]. */
        LIMIT,
        /** The directory entry already exists (domain, account, alias). */
        DUPLICATE,
        /** A directory entry is missing (domain, account). */
        NOT_FOUND
    }

    private final Reason reason;

    public MailboxException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
