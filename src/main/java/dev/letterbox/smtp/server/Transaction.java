package dev.letterbox.smtp.server;

import dev.letterbox.smtp.MailParameters;
import dev.letterbox.smtp.Mailbox;
import dev.letterbox.store.Account;
import dev.letterbox.store.QueuedMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mail transaction (RFC 5321 §3.3), from MAIL to the end of DATA / BDAT LAST or RSET: the
 * sender and its parameters, the recipients accepted so far split into local accounts (each once,
 * however many of its addresses were named) and remote addresses for the queue, and a BDAT
 * message in progress.
 */
final class Transaction {
    final Optional<Mailbox> sender;
    final MailParameters params;
    final Map<Long, Account> accounts = new LinkedHashMap<>();
    final Map<String, QueuedMessage.NewRecipient> remote = new LinkedHashMap<>();
    /**
     * Local recipients that asked for a success report (RFC 3461 NOTIFY=SUCCESS), by the address
     * as given: queued as delivered once one of their accounts has its copy, so the relay reports it.
     */
    final Map<String, SuccessReport> successReports = new LinkedHashMap<>();
    /** The addresses the client named and we accepted (for the Received "for" clause). */
    final List<String> accepted = new ArrayList<>();
    int refused;
    /** BDAT: the message being received, and whether an earlier chunk already failed it. */
    MessageIntake chunked;
    boolean chunkFailed;
    long chunkedBytes;

    /** A RCPT with NOTIFY=SUCCESS that reached these local accounts. */
    record SuccessReport(List<Long> accountIds, QueuedMessage.NewRecipient recipient) {}

    Transaction(Optional<Mailbox> sender, MailParameters params) {
        this.sender = sender;
        this.params = params;
    }

    /** The reverse-path as written between the brackets ("" for the null sender). */
    String senderText() {
        return sender.map(Mailbox::address).orElse("");
    }

    boolean hasRecipients() {
        return !accepted.isEmpty();
    }

    int recipientCount() {
        return accepted.size();
    }

    /** Discards a BDAT message in progress (RSET, a new transaction, the end of the session). */
    void abandon() {
        if (chunked != null) chunked.abort();
        chunked = null;
    }
}
