package dev.letterbox.smtp.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.net.Connection;
import dev.letterbox.net.LineTooLongException;
import dev.letterbox.smtp.ReplyWriter;
import dev.letterbox.smtp.SmtpCommand;
import dev.letterbox.smtp.SmtpParser;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.smtp.SmtpSyntaxException;
import dev.letterbox.store.Account;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One SMTP session. Each command is checked against the session's state in its handler, reached by
 * one exhaustive switch; replies are flushed when no further pipelined command is waiting
 * (RFC 2920 §3.2), and always before the session would block on data.
 */
final class SmtpSession {
    private static final System.Logger LOG = System.getLogger("letterbox.smtp");

    final SmtpService service;
    final Connection conn;
    private final ReplyWriter out;
    private final EnvelopeCommands envelope;
    private final DataCommands data;
    private final AuthCommand auth;

    /** The EHLO/HELO argument; null until greeted and again after STARTTLS. */
    String helo;
    boolean esmtp;
    /** The logged-in account (AUTH), or null. */
    Account account;
    /** Whether the credential of the login still counts; set with {@link #account}. */
    dev.letterbox.auth.LoginWatch loginWatch;
    /** The open mail transaction, or null. */
    Transaction tx;
    /** Messages accepted in this session (numbers the Received id). */
    int messages;
    private int errors;
    private int commands;
    private boolean ending;

    SmtpSession(SmtpService service, Connection conn) {
        this.service = service;
        this.conn = conn;
        this.out = new ReplyWriter(conn.output());
        this.envelope = new EnvelopeCommands(this);
        this.data = new DataCommands(this);
        this.auth = new AuthCommand(this);
    }

    void run() throws IOException {
        try {
            // RFC 5321 §4.2: the greeting carries no enhanced code (RFC 2034 §3)
            reply(SmtpReply.plain(220, service.hostname + " ESMTP Letterbox"));
            conn.flush();
            while (!ending) {
                byte[] raw;
                try {
                    raw = conn.readLine(SmtpParser.MAX_LINE);
                } catch (LineTooLongException e) {
                    fail(SmtpReply.of(500, "5.5.2", "line too long"));
                    conn.flush();
                    continue;
                }
                if (raw == null) return; // gone without QUIT
                try {
                    service.commandRate.pace(conn.remoteAddress().getAddress());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // shutting down
                }
                if (++commands > service.config.maxCommands()) {
                    reply(SmtpReply.of(421, "4.7.0", service.hostname + " too many commands; closing connection"));
                    ending = true;
                } else {
                    handleLine(raw);
                }
                if (ending || !conn.hasBufferedInput()) conn.flush();
            }
        } finally {
            if (tx != null) tx.abandon();
            if (loginWatch != null) loginWatch.close();
        }
    }

    private void handleLine(byte[] raw) throws IOException {
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\n') len--;
        if (len > 0 && raw[len - 1] == '\r') len--;
        SmtpCommand command;
        try {
            command = SmtpParser.parse(raw, 0, len);
        } catch (SmtpSyntaxException e) {
            fail(e.reply());
            String verb = len >= 4 ? new String(raw, 0, 4, StandardCharsets.US_ASCII) : "";
            // A malformed RCPT is still a refused recipient: DATA then says "no valid recipients".
            if (verb.equalsIgnoreCase("RCPT") && tx != null) tx.refused++;
            // A BDAT whose size we could not read leaves us unable to find the next command.
            if (verb.equalsIgnoreCase("BDAT")) {
                reply(SmtpReply.of(421, "4.5.0", "cannot find the end of that chunk; closing connection"));
                ending = true;
            }
            return;
        }
        if (account != null && !loginWatch.stillValid()) {
            // the credential was revoked or changed (another node or the CLI may have done it)
            LOG.log(INFO, "{0}: {1} logged out: credential revoked", who(), account.address());
            reply(SmtpReply.of(421, "4.7.0", service.hostname + " your login is no longer valid; closing connection"));
            ending = true;
            return;
        }
        long started = System.nanoTime();
        try {
            dispatch(command);
        } catch (StoreException e) {
            // The store is unavailable (its database went away): the sender keeps the message and
            // tries again later, and this session goes on. Mid-BDAT we cannot know where the chunk
            // ends, so there the connection closes.
            LOG.log(WARNING, "{0}: {1} failed: {2}", who(), command.verb(), e.getMessage());
            if (command instanceof SmtpCommand.Rcpt && tx != null) tx.refused++;
            boolean lost = command instanceof SmtpCommand.Bdat;
            reply(SmtpReply.of(lost ? 421 : 451, "4.3.0", "temporary local problem; try again later"));
            if (lost) ending = true;
        }
        service.metrics.commandLatency("smtp", command.verb(), System.nanoTime() - started);
    }

    private void dispatch(SmtpCommand command) throws IOException {
        switch (command) {
            case SmtpCommand.Ehlo e -> greet(e.domain(), true);
            case SmtpCommand.Helo h -> greet(h.domain(), false);
            case SmtpCommand.Mail m -> envelope.mail(m);
            case SmtpCommand.Rcpt r -> envelope.rcpt(r);
            case SmtpCommand.Data d -> data.data();
            case SmtpCommand.Bdat b -> data.bdat(b);
            case SmtpCommand.Burl b -> data.burl(b);
            case SmtpCommand.Rset r -> {
                resetTransaction();
                reply(SmtpReply.of(250, "2.0.0", "reset"));
            }
            case SmtpCommand.Noop n -> reply(SmtpReply.of(250, "2.0.0", "OK"));
            case SmtpCommand.Quit q -> {
                reply(SmtpReply.of(221, "2.0.0", service.hostname + " closing connection"));
                ending = true;
            }
            // RFC 5321 §3.5.3: 252 when we will not say whether the user exists
            case SmtpCommand.Vrfy v -> reply(SmtpReply.of(252, "2.5.0", "cannot verify the user; send the message and we will try"));
            case SmtpCommand.Expn x -> reply(SmtpReply.of(502, "5.5.1", "EXPN is not available"));
            case SmtpCommand.Help h -> reply(SmtpReply.multi(214, Optional.of("2.0.0"), List.of(
                    "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH",
                    "See RFC 5321; Letterbox")));
            case SmtpCommand.StartTls s -> startTls();
            case SmtpCommand.Auth a -> auth.auth(a);
        }
    }

    /** RFC 5321 §4.1.1.1 EHLO/HELO: a new greeting also resets the transaction. */
    private void greet(String domain, boolean extended) throws IOException {
        resetTransaction();
        helo = domain;
        esmtp = extended;
        String first = service.hostname + " greets " + domain;
        if (!extended) {
            reply(SmtpReply.plain(250, first));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(first);
        lines.add("PIPELINING");
        lines.add("SIZE " + service.config.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("CHUNKING");
        lines.add("BINARYMIME");
        lines.add("DSN");
        if (service.urlStore != null) lines.add("BURL imap"); // RFC 4468 §3: submission only
        if (!conn.isTls()) lines.add("STARTTLS");
        if (conn.isTls() && account == null) lines.add("AUTH " + AuthCommand.mechanisms(conn));
        reply(SmtpReply.multi(250, Optional.empty(), lines));
    }

    /** RFC 3207: STARTTLS, then forget everything the client said before (§4.2). */
    private void startTls() throws IOException {
        if (conn.isTls()) {
            fail(SmtpReply.of(503, "5.5.1", "TLS is already active"));
            return;
        }
        if (tx != null) {
            fail(SmtpReply.of(503, "5.5.1", "STARTTLS is not allowed inside a mail transaction"));
            return;
        }
        reply(SmtpReply.of(220, "2.0.0", "ready to start TLS"));
        conn.flush();
        conn.startTls();
        helo = null;
        esmtp = false;
        account = null;
    }

    // ---------------------------------------------------------------- shared by the handlers

    void reply(SmtpReply r) throws IOException {
        out.write(r);
    }

    /** A refused command: answers it and counts it; too many end the session (421). */
    void fail(SmtpReply r) throws IOException {
        reply(r);
        if (++errors >= service.config.maxErrors()) {
            LOG.log(INFO, "{0}: {1} refused commands, closing", who(), errors);
            reply(SmtpReply.of(421, "4.7.0", service.hostname + " too many errors; closing connection"));
            ending = true;
        }
    }

    /** Ends the session after the replies written so far. */
    void end() {
        ending = true;
    }

    void resetTransaction() {
        if (tx != null) tx.abandon();
        tx = null;
    }

    boolean authenticated() {
        return account != null;
    }

    /** A client-supplied name or address made safe for a log line. */
    static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** "smtp 6f8lqd6k", the same session prefix the network layer logs with. */
    String who() {
        return conn.listenerName() + " " + conn.sessionId();
    }
}
