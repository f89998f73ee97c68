package dev.letterbox.delivery;

import dev.letterbox.store.Account;
import dev.letterbox.store.QueuedMessage;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Who hands over a message and on whose behalf: everything about a message except its bytes and
 * its recipients. Every way in builds one of these for the {@link Pipeline}.
 *
 * @param origin      which way the message came in; decides which checks run and who gets reports
 * @param client      the SMTP client, for the Received field and the sender checks; empty for
 *                    messages that did not come over SMTP ({@code deliver}, the queue)
 * @param sender      the reverse-path as written between the brackets, "" for the null sender
 * @param options     the MAIL parameters that travel with the message
 * @param submitter   the logged-in account of a submission
 * @param logContext  names the message in log lines ("smtp 6f8lqd6k message 2")
 */
public record Envelope(Origin origin, Optional<Client> client, String sender, Options options,
                       Optional<Account> submitter, String logContext) {

    public enum Origin {
        /** SMTP without login (port 25): mail from the Internet, checked before it is believed. */
        INBOUND,
        /** SMTP after AUTH: one of our users sending. */
        SUBMISSION,
        /** {@code letterbox deliver} on this machine. */
        LOCAL,
        /** The outbound queue handing over mail for a domain hosted here (delivery reports, late domains). */
        QUEUE
    }

    /**
     * The SMTP client: its address, its EHLO/HELO name, the protocol name for the Received field
     * (RFC 3848: ESMTP, ESMTPS, ESMTPSA, ...), the TLS protocol and cipher if any, and the id this
     * message gets in the Received field.
     */
    public record Client(InetAddress address, String helo, String protocol, Optional<String> tls, String id) {}

    /**
     * RFC 3461 RET and ENVID and the body type (RFC 6152, RFC 3030) and SMTPUTF8 (RFC 6531), as the
     * queue keeps them.
     */
    public record Options(QueuedMessage.Body body, boolean smtputf8, Optional<QueuedMessage.Ret> ret,
                          Optional<String> envId) {
        public static final Options PLAIN = new Options(QueuedMessage.Body.EIGHT_BIT_MIME, false, Optional.empty(),
                Optional.empty());
    }

    /** A message handed over locally, not over SMTP (the CLI, the queue). */
    public static Envelope local(Origin origin, String sender, String logContext) {
        return new Envelope(origin, Optional.empty(), sender, Options.PLAIN, Optional.empty(), logContext);
    }
}
