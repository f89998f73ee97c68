package dev.letterbox.smtp.server;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.delivery.RecipientDecision;
import dev.letterbox.smtp.MailParameters;
import dev.letterbox.smtp.Mailbox;
import dev.letterbox.smtp.SmtpCommand;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.store.QueuedMessage;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** MAIL and RCPT: opening a transaction and collecting its recipients. */
final class EnvelopeCommands {
    private static final System.Logger LOG = System.getLogger("letterbox.smtp");

    private final SmtpSession s;

    EnvelopeCommands(SmtpSession session) {
        this.s = session;
    }

    /** RFC 5321 §4.1.1.2 MAIL, with SIZE (RFC 1870 §6), SMTPUTF8 (RFC 6531 §3.4) and submission rules (RFC 6409). */
    void mail(SmtpCommand.Mail m) throws IOException {
        SmtpService service = s.service;
        if (s.helo == null) {
            s.fail(SmtpReply.of(503, "5.5.1", "send EHLO first"));
            return;
        }
        if (s.tx != null) {
            s.fail(SmtpReply.of(503, "5.5.1", "a transaction is already open; send RSET first"));
            return;
        }
        if (service.role == SmtpService.Role.SUBMISSION && !s.conn.isTls()) {
            s.fail(SmtpReply.of(530, "5.7.0", "must issue a STARTTLS command first")); // RFC 3207 §4
            return;
        }
        if (service.role == SmtpService.Role.SUBMISSION && !s.authenticated()) {
            s.fail(SmtpReply.of(530, "5.7.0", "authentication required")); // RFC 4954 §6
            return;
        }
        MailParameters p = m.params();
        if (p.size().isPresent() && p.size().getAsLong() > service.config.maxMessageSize()) {
            s.reply(SmtpReply.of(552, "5.3.4", "message size exceeds fixed maximum message size of "
                    + service.config.maxMessageSize() + " octets"));
            return;
        }
        if (m.from().isPresent() && !m.from().get().isAscii() && !p.smtputf8()) {
            s.fail(SmtpReply.of(553, "5.6.7", "non-ASCII address needs the SMTPUTF8 parameter"));
            return;
        }
        if (s.authenticated() && !service.senders.owns(s.account, m.from())) {
            LOG.log(INFO, "{0}: {1} may not send as <{2}>", s.who(), s.account.address(),
                    SmtpSession.printable(m.from().map(Mailbox::address).orElse("")));
            s.fail(SmtpReply.of(553, "5.7.1", "sender address not owned by you; use one of your own addresses"));
            return;
        }
        s.tx = new Transaction(m.from(), p);
        s.conn.loggedIn(); // port 25 has no login: a mail transaction is the client getting to work
        s.reply(SmtpReply.of(250, "2.1.0", "sender OK"));
    }

    /** RFC 5321 §4.1.1.3 RCPT, with the relay rule and RFC 3461's NOTIFY/ORCPT kept for the queue. */
    void rcpt(SmtpCommand.Rcpt r) throws IOException {
        Transaction tx = s.tx;
        if (tx == null) {
            s.fail(SmtpReply.of(503, "5.5.1", "send MAIL first"));
            return;
        }
        if (tx.chunked != null || tx.chunkFailed) {
            s.fail(SmtpReply.of(503, "5.5.1", "RCPT is not allowed during BDAT"));
            return;
        }
        if (tx.recipientCount() >= s.service.config.maxRecipients()) {
            s.reply(SmtpReply.of(452, "4.5.3", "too many recipients")); // RFC 5321 §4.5.3.1.10
            return;
        }
        Mailbox to = r.to();
        if (!to.isAscii() && !tx.params.smtputf8()) {
            s.fail(SmtpReply.of(553, "5.6.7", "non-ASCII address needs the SMTPUTF8 parameter on MAIL"));
            return;
        }
        long declared = tx.params.size().orElse(0);
        switch (s.service.pipeline.resolve(to.address(), s.authenticated(), declared)) {
            case RecipientDecision.Refuse refuse -> {
                tx.refused++;
                SmtpReply reply = refusal(refuse.reason());
                if (reply.isTransient()) s.reply(reply);
                else s.fail(reply);
            }
            case RecipientDecision.Accept accept -> {
                Optional<Set<QueuedMessage.Notify>> notify = r.params().notifyOn().map(EnvelopeCommands::notify);
                tx.recipients.add(to.address(), accept, notify, r.params().orcpt());
                s.reply(SmtpReply.of(250, "2.1.5", "recipient OK"));
            }
        }
    }

    /** RFC 5321 §4.2.2 and RFC 3463 codes for a recipient the pipeline refused. */
    static SmtpReply refusal(RecipientDecision.Refusal reason) {
        return switch (reason) {
            case UNKNOWN_USER -> SmtpReply.of(550, "5.1.1", "no such user here");
            case RELAY_DENIED -> SmtpReply.of(554, "5.7.1", "relay access denied: we do not accept mail for that domain");
            case MAILBOX_FULL -> SmtpReply.of(452, "4.2.2", "mailbox full; try again later");
            case INVALID -> SmtpReply.of(553, "5.1.3", "not a valid address");
            case SRS_FORGED -> SmtpReply.of(550, "5.7.1", "not a valid SRS address of ours: we pass bounces on only"
                    + " for mail we forwarded");
            case SRS_EXPIRED -> SmtpReply.of(550, "5.7.1", "SRS address expired: the forwarded mail it answers is too old");
        };
    }

    private static Set<QueuedMessage.Notify> notify(Set<dev.letterbox.smtp.RcptParameters.Notify> given) {
        Set<QueuedMessage.Notify> out = EnumSet.noneOf(QueuedMessage.Notify.class);
        for (var n : given) out.add(QueuedMessage.Notify.valueOf(n.name()));
        return Set.copyOf(out);
    }

}
