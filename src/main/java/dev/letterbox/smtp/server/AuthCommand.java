package dev.letterbox.smtp.server;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.auth.LoginOutcome;
import dev.letterbox.auth.SaslChannel;
import dev.letterbox.auth.SaslOutcome;
import dev.letterbox.auth.SaslPlain;
import dev.letterbox.net.LineTooLongException;
import dev.letterbox.smtp.SmtpCommand;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.store.LoginProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * AUTH (RFC 4954) with PLAIN (RFC 4616), LOGIN and SCRAM-SHA-256(-PLUS). Only over TLS; failures from one address are
 * slowed down and then refused for a while by the shared {@link dev.letterbox.auth.LoginGuard}.
 */
final class AuthCommand {
    private static final System.Logger LOG = System.getLogger("letterbox.smtp");
    static final String MECHANISMS = "PLAIN LOGIN";

    /** What EHLO lists after AUTH: PLAIN, LOGIN, SCRAM-SHA-256, and -PLUS where TLS can bind it. */
    static String mechanisms(dev.letterbox.net.Connection conn) {
        return MECHANISMS + " " + String.join(" ", LoginGuard.scramMechanisms(conn.canBindChannel()));
    }
    /** RFC 4954 §4: a server should accept AUTH lines of at least 12288 octets. */
    private static final int MAX_RESPONSE = 12288;
    private static final String USERNAME_PROMPT = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD_PROMPT = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

    private final SmtpSession s;

    AuthCommand(SmtpSession session) {
        this.s = session;
    }

    /** A credential exchange that ended without a verdict on the credentials. */
    private static final class Abort extends Exception {
        final transient SmtpReply reply;
        final boolean counts;

        Abort(SmtpReply reply, boolean counts) {
            super(reply.toString(), null, false, false);
            this.reply = reply;
            this.counts = counts;
        }
    }

    void auth(SmtpCommand.Auth a) throws IOException {
        if (!s.conn.isTls()) {
            s.fail(SmtpReply.of(538, "5.7.11", "encryption required for authentication: use STARTTLS first"));
            return;
        }
        if (s.helo == null) {
            s.fail(SmtpReply.of(503, "5.5.1", "send EHLO first"));
            return;
        }
        if (s.authenticated()) {
            s.fail(SmtpReply.of(503, "5.5.1", "already authenticated"));
            return;
        }
        if (s.tx != null) {
            s.fail(SmtpReply.of(503, "5.5.1", "AUTH is not allowed inside a mail transaction"));
            return;
        }
        InetAddress ip = s.conn.remoteAddress().getAddress();
        if (s.service.logins.isBlocked(ip)) { // refused before any exchange, as the answer would be anyway
            blocked();
            return;
        }
        if (LoginGuard.isScram(a.mechanism())) {
            scram(a, ip);
            return;
        }
        String user;
        char[] password;
        try {
            switch (a.mechanism()) {
                case "PLAIN" -> {
                    SaslPlain plain = SaslPlain.decode(response(a.initialResponse(), ""))
                            .orElseThrow(() -> new Abort(SmtpReply.of(501, "5.5.2", "malformed PLAIN response"), true));
                    if (!plain.authorizationMatches()) {
                        Arrays.fill(plain.password(), '\0');
                        throw new Abort(SmtpReply.of(535, "5.7.8", "acting as another user is not allowed"), true);
                    }
                    user = plain.username();
                    password = plain.password();
                }
                case "LOGIN" -> {
                    user = new String(decodeText(response(a.initialResponse(), USERNAME_PROMPT)));
                    password = decodeText(response(Optional.empty(), PASSWORD_PROMPT));
                }
                default -> throw new Abort(SmtpReply.of(504, "5.5.4", "unrecognized authentication mechanism; use "
                        + MECHANISMS), true);
            }
        } catch (Abort e) {
            if (e.counts) s.fail(e.reply);
            else s.reply(e.reply);
            return;
        }
        if (user.isEmpty() || password.length == 0) {
            Arrays.fill(password, '\0');
            s.fail(SmtpReply.of(501, "5.5.2", "empty user name or password"));
            return;
        }
        verify(user, password, ip);
    }

    /**
     * SCRAM-SHA-256(-PLUS) (RFC 5802, RFC 7677) as RFC 4954 §4 carries SASL: "334 base64"
     * challenges; the server-final message is a last 334 the client answers with an empty line,
     * then 235.
     */
    private void scram(SmtpCommand.Auth a, InetAddress ip) throws IOException {
        Optional<byte[]> initial = Optional.empty();
        if (a.initialResponse().isPresent()) {
            try {
                initial = Optional.of(a.initialResponse().get().equals("=") ? new byte[0]
                        : Base64.getDecoder().decode(a.initialResponse().get()));
            } catch (IllegalArgumentException e) {
                s.fail(SmtpReply.of(501, "5.5.2", "initial response is not base64"));
                return;
            }
        }
        SaslChannel channel = challenge -> {
            try {
                String line = response(Optional.empty(), Base64.getEncoder().encodeToString(challenge));
                return Base64.getDecoder().decode(line);
            } catch (Abort e) {
                if (!e.counts) return null; // "*": cancelled
                throw new SaslChannel.Malformed(String.join(" ", e.reply.lines()));
            } catch (IllegalArgumentException e) {
                throw new SaslChannel.Malformed("response is not base64");
            }
        };
        SaslOutcome outcome;
        try {
            outcome = s.service.logins.authenticate(a.mechanism(), initial, channel, s.conn.tlsExporter(), LoginProtocol.SMTP,
                    ip, s.who());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            s.end();
            return;
        }
        switch (outcome) {
            case SaslOutcome.Cancelled c -> s.reply(SmtpReply.of(501, "5.0.0", "authentication cancelled"));
            case SaslOutcome.Malformed m -> s.fail(SmtpReply.of(501, "5.5.2", m.reason()));
            case SaslOutcome.NotAuthorized n -> s.fail(SmtpReply.of(535, "5.7.8", "acting as another user is not allowed"));
            case SaslOutcome.Checked checked -> {
                if (checked.confirmOverChallenge(channel)) outcome(checked.login());
                else s.reply(SmtpReply.of(501, "5.0.0", "authentication cancelled"));
            }
        }
    }

    /** Checks credentials through the shared {@link dev.letterbox.auth.LoginGuard}, which wipes the password. */
    private void verify(String user, char[] password, InetAddress ip) throws IOException {
        LoginOutcome outcome;
        try {
            outcome = s.service.logins.login(user, password, LoginProtocol.SMTP, ip, s.who());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            s.end();
            return;
        }
        outcome(outcome);
    }

    /** A checked login in SMTP's words. */
    private void outcome(LoginOutcome outcome) throws IOException {
        switch (outcome) {
            case LoginOutcome.LoggedIn ok -> {
                s.account = ok.account();
                s.loginWatch = ok.watch();
                s.conn.loggedIn();
                LOG.log(INFO, "{0}: login {1}", s.who(), ok.account().address());
                s.reply(SmtpReply.of(235, "2.7.0", "authentication successful"));
            }
            case LoginOutcome.BadCredentials bad -> s.fail(SmtpReply.of(535, "5.7.8", "authentication credentials invalid"));
            case LoginOutcome.AccountDisabled d -> s.fail(SmtpReply.of(535, "5.7.8", "this account is disabled"));
            case LoginOutcome.ProtocolDisabled d -> s.fail(SmtpReply.of(535, "5.7.8", "sending mail is disabled for this account or password"));
            // RFC 4954 §6 has 534 5.7.9 for "authentication mechanism is too weak"; here it is the credential
            case LoginOutcome.AppPasswordRequired d ->
                    s.fail(SmtpReply.of(535, "5.7.8", "this account takes app passwords only: create one for this app"));
            case LoginOutcome.ClientBlocked b -> blocked();
            // RFC 4954 §6: 454 4.7.0 is the temporary authentication failure
            case LoginOutcome.AccountBusy b ->
                    s.reply(SmtpReply.of(454, "4.7.0", "too many failed logins for this account; try again in a minute"));
        }
    }

    private void blocked() throws IOException {
        s.reply(SmtpReply.of(421, "4.7.0", "too many failed logins from your address; try again later"));
        s.end();
    }

    /** The initial response, or the answer to a "334 prompt" challenge (RFC 4954 §4). */
    private String response(Optional<String> initial, String prompt) throws IOException, Abort {
        if (initial.isPresent()) return initial.get();
        s.reply(SmtpReply.plain(334, prompt));
        s.conn.flush();
        byte[] raw;
        try {
            raw = s.conn.readLine(MAX_RESPONSE);
        } catch (LineTooLongException e) {
            throw new Abort(SmtpReply.of(500, "5.5.6", "authentication exchange line too long"), true);
        }
        if (raw == null) throw new IOException("connection ended during AUTH");
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\n') len--;
        if (len > 0 && raw[len - 1] == '\r') len--;
        String line = new String(raw, 0, len, StandardCharsets.US_ASCII);
        Arrays.fill(raw, (byte) 0);
        if (line.equals("*")) throw new Abort(SmtpReply.of(501, "5.0.0", "authentication cancelled"), false);
        return line;
    }

    /** Base64 to UTF-8 characters, for LOGIN's user name and password. */
    private static char[] decodeText(String base64) throws Abort {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new Abort(SmtpReply.of(501, "5.5.2", "response is not base64"), true);
        }
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
            char[] out = new char[cb.remaining()];
            cb.get(out);
            Arrays.fill(cb.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            throw new Abort(SmtpReply.of(501, "5.5.2", "response is not UTF-8"), true);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
