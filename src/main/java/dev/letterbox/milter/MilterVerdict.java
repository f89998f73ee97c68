package dev.letterbox.milter;

import dev.letterbox.smtp.SmtpReply;
import java.util.List;

/**
 * A filter's decision on one message. {@link Accept} and {@link Quarantine} carry the header changes
 * to apply before storing; {@link Failed} means the filter could not be asked (refused connection,
 * timeout, protocol error), and the caller applies its configured default (tempfail or accept).
 */
public sealed interface MilterVerdict {

    /** Deliver, after applying {@link Changes#headers()}. */
    record Accept(Changes changes) implements MilterVerdict {}

    /**
     * Deliver, but hold the message apart: Letterbox files it in the recipient's Junk folder.
     * {@code reason} is the filter's text (SMFIR_QUARANTINE).
     */
    record Quarantine(String reason, Changes changes) implements MilterVerdict {}

    /** Refuse permanently with the filter's reply (a 5xx code). */
    record Reject(SmtpReply reply) implements MilterVerdict {}

    /** Refuse for now with the filter's reply (a 4xx code); the client retries. */
    record TempFail(SmtpReply reply) implements MilterVerdict {}

    /** Accept and silently drop the message (the filter said so). */
    record Discard() implements MilterVerdict {}

    /** No decision: the filter was unreachable, too slow, or broke the protocol. */
    record Failed(String reason) implements MilterVerdict {}

    /**
     * What a filter asked to change besides its verdict.
     *
     * @param headers           header changes, in the order the filter sent them
     * @param refusedRecipients recipients the filter refused at RCPT time while accepting the message for others;
     *                          the caller must not deliver to these (bounce, or refuse when it still can)
     * @param ignored           requests Letterbox does not carry out (recipient, sender or body changes,
     *                          malformed header changes), described for the log
     */
    record Changes(List<HeaderChange> headers, List<RefusedRecipient> refusedRecipients, List<String> ignored) {
        public static final Changes NONE = new Changes(List.of(), List.of(), List.of());

        public Changes {
            headers = List.copyOf(headers);
            refusedRecipients = List.copyOf(refusedRecipients);
            ignored = List.copyOf(ignored);
        }
    }

    /** A recipient the filter refused on its own, with the reply it gave. */
    record RefusedRecipient(String recipient, SmtpReply reply) {}

    /** The header changes to apply: empty unless the verdict delivers the message. */
    default List<HeaderChange> headerChanges() {
        return switch (this) {
            case Accept a -> a.changes().headers();
            case Quarantine q -> q.changes().headers();
            default -> List.of();
        };
    }

    /**
     * True when the filter marked the message as spam: a quarantine, or, when {@code spamHeader} is
     * given, a header change that sets that field to that value (rspamd's "add header" action sets
     * {@code X-Spam: Yes}). Such a message goes to the Junk folder.
     */
    default boolean markedAsSpam(SpamHeader spamHeader) {
        if (this instanceof Quarantine) return true;
        if (spamHeader == null) return false;
        return headerChanges().stream().anyMatch(spamHeader::matches);
    }
}
