package dev.letterbox.smtp.server;

import dev.letterbox.delivery.Intake;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.smtp.MailParameters;
import dev.letterbox.smtp.Mailbox;
import java.util.Optional;

/**
 * One mail transaction (RFC 5321 §3.3), from MAIL to the end of DATA / BDAT LAST or RSET: the
 * sender and its parameters, the recipients accepted so far (resolved by the delivery pipeline),
 * and a BDAT message in progress.
 */
final class Transaction {
    final Optional<Mailbox> sender;
    final MailParameters params;
    final Recipients recipients = new Recipients();
    int refused;
    /** BDAT: the message being received, and whether an earlier chunk already failed it. */
    Intake chunked;
    boolean chunkFailed;
    long chunkedBytes;

    Transaction(Optional<Mailbox> sender, MailParameters params) {
        this.sender = sender;
        this.params = params;
    }

    /** The reverse-path as written between the brackets ("" for the null sender). */
    String senderText() {
        return sender.map(Mailbox::address).orElse("");
    }

    boolean hasRecipients() {
        return !recipients.isEmpty();
    }

    int recipientCount() {
        return recipients.count();
    }

    /** Discards a BDAT message in progress (RSET, a new transaction, the end of the session). */
    void abandon() {
        if (chunked != null) chunked.abort();
        chunked = null;
    }
}
