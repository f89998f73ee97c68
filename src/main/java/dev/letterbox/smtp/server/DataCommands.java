package dev.letterbox.smtp.server;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.Intake;
import dev.letterbox.delivery.Outcome;
import dev.letterbox.imap.ImapUrl;
import dev.letterbox.imap.server.UrlAuth;
import dev.letterbox.imap.server.UrlParts;
import dev.letterbox.smtp.DataReader;
import dev.letterbox.smtp.MailParameters;
import dev.letterbox.smtp.SmtpCommand;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.store.QueuedMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/** DATA (RFC 5321 §4.1.1.4), BDAT (RFC 3030) and BURL (RFC 4468): receiving the message and answering for it. */
final class DataCommands {
    private static final System.Logger LOG = System.getLogger("letterbox.smtp");
    private static final int COPY_BUFFER = 16 * 1024;

    private final SmtpSession s;

    DataCommands(SmtpSession session) {
        this.s = session;
    }

    /** The reply for DATA/BDAT when the transaction cannot take a message now, or null when it can. */
    private SmtpReply notReady() {
        Transaction tx = s.tx;
        if (tx == null) return SmtpReply.of(503, "5.5.1", "send MAIL first");
        if (!tx.hasRecipients()) {
            // RFC 2920 §3.1: after pipelined RCPTs that all failed, DATA gets 554 "no valid recipients"
            return tx.refused > 0 ? SmtpReply.of(554, "5.5.1", "no valid recipients")
                    : SmtpReply.of(503, "5.5.1", "send RCPT first");
        }
        return null;
    }

    void data() throws IOException {
        SmtpReply refusal = notReady();
        if (refusal == null && s.tx.params.body().orElse(null) == MailParameters.Body.BINARY_MIME) {
            refusal = SmtpReply.of(503, "5.5.1", "BODY=BINARYMIME needs BDAT"); // RFC 3030 §3
        }
        if (refusal == null && (s.tx.chunked != null || s.tx.chunkFailed)) {
            refusal = SmtpReply.of(503, "5.5.1", "DATA is not allowed after BDAT");
        }
        if (refusal != null) {
            s.fail(refusal);
            return;
        }
        Transaction tx = s.tx;
        Intake intake = open(tx);
        s.reply(SmtpReply.plain(354, "end data with <CR><LF>.<CR><LF>"));
        s.conn.flush();
        DataReader.Result result;
        try {
            result = DataReader.copy(s.conn.input(), intake.sink(), s.service.config.maxMessageSize());
        } catch (IOException | RuntimeException e) {
            intake.abort();
            s.resetTransaction();
            if (e instanceof EOFException) s.end();
            throw e;
        }
        SmtpReply answer;
        if (result.tooLarge()) {
            intake.abort();
            answer = tooBig();
        } else if (result.badLineEnding()) {
            intake.abort();
            LOG.log(INFO, "{0}: message refused: bare CR, or a \".\" line next to a bare LF, in DATA", s.who());
            answer = SmtpReply.of(550, "5.6.0", "message refused: bare CR, or a line of only \".\" next to a bare LF");
        } else {
            answer = finish(intake);
        }
        s.resetTransaction(); // RFC 5321 §4.1.1.4: the transaction ends whatever the outcome
        s.reply(answer);
    }

    /**
     * RFC 3030 §2: the chunk's octets are read whatever the answer, so the next command is found.
     * A failed chunk fails the message; later chunks are read and refused until RSET or MAIL.
     */
    void bdat(SmtpCommand.Bdat b) throws IOException {
        SmtpReply refusal = notReady();
        Transaction tx = s.tx;
        long max = s.service.config.maxMessageSize();
        if (refusal == null && tx.chunkFailed) refusal = SmtpReply.of(503, "5.5.1", "this message already failed; send RSET");
        if (refusal != null) {
            discard(b.size());
            s.fail(refusal);
            return;
        }
        if (tx.chunkedBytes + b.size() > max) {
            discard(b.size());
            tx.abandon();
            tx.chunkFailed = true;
            s.reply(tooBig());
            return;
        }
        if (tx.chunked == null) tx.chunked = open(tx);
        try {
            copy(s.conn.input(), tx.chunked.sink(), b.size());
        } catch (IOException | RuntimeException e) {
            s.resetTransaction();
            if (e instanceof EOFException) s.end();
            throw e;
        }
        chunkReceived(tx, b.size(), b.last());
    }

    /**
     * RFC 4468 BURL: the part an IMAP URL names is added to the message, as a BDAT chunk would be;
     * the URL is read through URLAUTH as this user acting as the submission server ("submit+user",
     * RFC 4468 §4), the same code URLFETCH uses. A URL that cannot be read fails the message (554
     * 5.6.6, §6) like a failed chunk.
     */
    void burl(SmtpCommand.Burl b) throws IOException {
        SmtpReply refusal = s.service.urlStore == null ? SmtpReply.of(502, "5.5.1", "BURL is not available here") : notReady();
        Transaction tx = s.tx;
        if (refusal == null && tx.chunkFailed) refusal = SmtpReply.of(503, "5.5.1", "this message already failed; send RSET");
        if (refusal == null && s.account == null) refusal = SmtpReply.of(530, "5.7.0", "authentication required");
        if (refusal != null) {
            s.fail(refusal);
            return;
        }
        long max = s.service.config.maxMessageSize();
        Optional<UrlParts.Opened> found;
        try {
            found = UrlAuth.open(s.service.urlStore, s.account.address(), true, ImapUrl.parse(b.url()));
        } catch (ImapUrl.BadUrl e) {
            found = Optional.empty();
        }
        if (found.isEmpty()) {
            tx.abandon();
            tx.chunkFailed = true;
            s.fail(SmtpReply.of(554, "5.6.6", "IMAP URL resolution failed"));
            return;
        }
        try (UrlParts.Opened part = found.get()) {
            if (tx.chunkedBytes + part.length() > max) {
                tx.abandon();
                tx.chunkFailed = true;
                s.reply(tooBig());
                return;
            }
            if (tx.chunked == null) tx.chunked = open(tx);
            try (InputStream in = part.stream()) {
                copy(in, tx.chunked.sink(), part.length());
            } catch (IOException | RuntimeException e) {
                // the store's fault, not the client's: the message fails, the session goes on
                LOG.log(INFO, "{0}: BURL could not read the URL: {1}", s.who(), e.toString());
                tx.abandon();
                tx.chunkFailed = true;
                s.reply(SmtpReply.of(451, "4.4.0", "cannot read the URL's message now, try again later"));
                return;
            }
            chunkReceived(tx, part.length(), b.last());
        }
    }

    /** After a chunk (BDAT or BURL) is in the message: 250 for it, or with LAST the message's own answer. */
    private void chunkReceived(Transaction tx, long size, boolean last) throws IOException {
        tx.chunkedBytes += size;
        if (!last) {
            s.reply(SmtpReply.of(250, "2.0.0", size + " octets received"));
            return;
        }
        Intake intake = tx.chunked;
        tx.chunked = null;
        SmtpReply answer = finish(intake);
        s.resetTransaction();
        s.reply(answer);
    }

    private SmtpReply tooBig() {
        return SmtpReply.of(552, "5.3.4", "message size exceeds fixed maximum message size of "
                + s.service.config.maxMessageSize() + " octets");
    }

    /** Hands the transaction to the delivery pipeline; the message's bytes then go to the intake's sink. */
    private Intake open(Transaction tx) {
        var conn = s.conn;
        String protocol = protocol(s.esmtp, tx.params.smtputf8(), conn.isTls(), s.authenticated());
        String id = conn.sessionId() + "." + (s.messages + 1);
        var client = new Envelope.Client(conn.remoteAddress().getAddress(), s.helo, protocol,
                conn.tls().map(Object::toString), id);
        var envelope = new Envelope(s.authenticated() ? Envelope.Origin.SUBMISSION : Envelope.Origin.INBOUND,
                Optional.of(client), tx.senderText(), options(tx.params), Optional.ofNullable(s.account),
                s.who() + " message " + (s.messages + 1));
        return s.service.pipeline.open(envelope, tx.recipients);
    }

    /** The one reply for the message: what the pipeline did, in SMTP's words (RFC 5321 §4.2, RFC 3463). */
    private SmtpReply finish(Intake intake) {
        SmtpReply answer = switch (intake.finish()) {
            case Outcome.Delivered d -> {
                s.messages++;
                s.service.metrics.messageReceived(s.conn.listenerName());
                for (int i = 0; i < d.stored(); i++) s.service.metrics.messageDelivered(true);
                yield SmtpReply.of(250, "2.0.0", d.queueId().isPresent()
                        ? "message accepted, queued as " + d.queueId().getAsLong() : "message delivered");
            }
            case Outcome.Refused r -> SmtpReply.of(r.reason() == Outcome.Reason.MAILBOX_FULL ? 552 : 550,
                    r.enhancedCode(), r.text());
            case Outcome.Deferred d -> SmtpReply.of(451, d.enhancedCode(), d.text());
        };
        return answer;
    }

    private static Envelope.Options options(MailParameters p) {
        QueuedMessage.Body body = switch (p.body().orElse(MailParameters.Body.SEVEN_BIT)) {
            case SEVEN_BIT -> QueuedMessage.Body.SEVEN_BIT;
            case EIGHT_BIT_MIME -> QueuedMessage.Body.EIGHT_BIT_MIME;
            case BINARY_MIME -> QueuedMessage.Body.BINARY_MIME;
        };
        return new Envelope.Options(body, p.smtputf8(), p.ret().map(r -> QueuedMessage.Ret.valueOf(r.name())), p.envId());
    }

    /**
     * RFC 3848 and RFC 6531 §3.7.3: ESMTP, plus S with TLS, plus A when authenticated; UTF8SMTP
     * in place of ESMTP for an SMTPUTF8 transaction; SMTP after HELO.
     */
    static String protocol(boolean esmtp, boolean utf8, boolean tls, boolean authenticated) {
        String base = !esmtp ? "SMTP" : utf8 ? "UTF8SMTP" : "ESMTP";
        if (!esmtp) return base;
        return base + (tls ? "S" : "") + (authenticated ? "A" : "");
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) throw new EOFException("connection ended inside a BDAT chunk");
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private void discard(long n) throws IOException {
        copy(s.conn.input(), OutputStream.nullOutputStream(), n);
    }
}
