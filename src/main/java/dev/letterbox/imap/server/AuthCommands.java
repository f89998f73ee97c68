package dev.letterbox.imap.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.AuthResult;
import dev.letterbox.auth.SaslPlain;
import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.Status;
import dev.letterbox.store.Account;
import dev.letterbox.store.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/** The not-authenticated state: STARTTLS, AUTHENTICATE PLAIN (with SASL-IR), LOGIN. */
final class AuthCommands {
    private AuthCommands() {}

    /** RFC 3501 §6.2.1 / RFC 9051 §6.2.1: the OK goes out in plaintext, then the handshake. */
    static Done startTls(ImapSession s, ImapCommand.StartTls c) throws IOException {
        if (s.conn.isTls()) return Done.bad("TLS is already active");
        if (s.compressing) return Done.bad("STARTTLS is not allowed after COMPRESS");
        s.out.tagged(c.tag(), Status.OK, null, "Begin TLS negotiation now");
        s.conn.flush();
        s.conn.startTls(); // pipelined plaintext input is discarded by the connection (RFC 3501 §6.2.1)
        return null;
    }

    /** RFC 3501 §6.2.3: refused with [PRIVACYREQUIRED] before TLS unless allowed; LOGINDISABLED says so. */
    static Done login(ImapSession s, ImapCommand.Login c) throws IOException {
        if (!s.plaintextAllowed()) {
            Arrays.fill(c.password(), '\0');
            return Done.no(ResponseCode.privacyRequired(), "Log in over TLS (use STARTTLS or port 993)");
        }
        return check(s, c.user(), c.password());
    }

    /**
     * RFC 3501 §6.2.2 with RFC 4959 SASL-IR; PLAIN only (RFC 4616). Without an initial response
     * the server sends an empty challenge and reads the response line; "*" cancels (BAD).
     */
    static Done authenticate(ImapSession s, ImapCommand.Authenticate c) throws IOException {
        if (!c.mechanism().equals("PLAIN")) return Done.no(ResponseCode.cannot(), "Unsupported authentication mechanism");
        if (!s.plaintextAllowed()) {
            return Done.no(ResponseCode.privacyRequired(), "Authenticate over TLS (use STARTTLS or port 993)");
        }
        String response;
        if (c.initialResponse().isPresent()) {
            response = c.initialResponse().get();
            if (response.equals("=")) response = "";
        } else {
            s.out.continuation("");
            s.conn.flush();
            s.lock.unlock(); // the lock is never held across a blocking read
            String line;
            try {
                line = readResponseLine(s);
            } finally {
                s.lock.lock();
            }
            if (line == null) {
                s.state = new SessionState.LoggedOut();
                return null;
            }
            if (line.equals("*")) return Done.bad("Authentication cancelled");
            response = line;
        }
        Optional<SaslPlain> plain = SaslPlain.decode(response);
        if (plain.isEmpty()) return Done.bad("Malformed PLAIN response");
        if (!plain.get().authorizationMatches()) {
            Arrays.fill(plain.get().password(), '\0');
            return Done.no(ResponseCode.authorizationFailed(), "Acting as another user is not allowed");
        }
        return check(s, plain.get().username(), plain.get().password());
    }

    private static String readResponseLine(ImapSession s) throws IOException {
        byte[] raw;
        try {
            raw = s.conn.readLine(ImapSession.MAX_RESPONSE_LINE);
        } catch (dev.letterbox.net.LineTooLongException e) {
            return "*"; // treated like a cancel: the exchange ends with BAD
        }
        if (raw == null) return null;
        int len = raw.length;
        while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r')) len--;
        return new String(raw, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Checks credentials through the directory, with the per-address throttle. Wipes the password. */
    private static Done check(ImapSession s, String user, char[] password) {
        InetAddress ip = s.conn.remoteAddress().getAddress();
        if (s.service.throttle.isBlocked(ip)) {
            Arrays.fill(password, '\0');
            return Done.no(ResponseCode.unavailable(), "Too many failed logins from your address; try again later");
        }
        AuthResult result = s.service.directory.authenticate(user, password, Protocol.IMAP);
        return switch (result) {
            case AuthResult.Success ok -> {
                s.service.throttle.recordSuccess(ip);
                s.service.metrics.login("imap", true);
                Account account = ok.account();
                s.authenticated(account);
                ImapSession.LOG.log(INFO, "{0}: login {1}", s.who(), account.address());
                yield Done.ok(ResponseCode.capability(Capabilities.of(s)), "Logged in");
            }
            case AuthResult.BadCredentials bad -> {
                s.service.metrics.login("imap", false);
                ImapSession.LOG.log(INFO, "{0}: login failed for {1} from {2}", s.who(), SessionCommands.printable(user),
                        ip.getHostAddress());
                if (s.service.throttle.recordFailure(ip)) {
                    ImapSession.LOG.log(WARNING, "{0}: {1} blocked after repeated login failures", s.who(), ip.getHostAddress());
                }
                try {
                    s.service.throttle.pause(ip);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield Done.no(ResponseCode.authenticationFailed(), "Authentication failed");
            }
            case AuthResult.AccountDisabled d -> {
                s.service.metrics.login("imap", false);
                ImapSession.LOG.log(INFO, "{0}: login refused for {1}: account disabled", s.who(), d.account().address());
                yield Done.no(ResponseCode.contactAdmin(), "This account is disabled");
            }
            case AuthResult.ProtocolDisabled d -> {
                s.service.metrics.login("imap", false);
                ImapSession.LOG.log(INFO, "{0}: login refused for {1}: IMAP disabled", s.who(), d.account().address());
                yield Done.no(ResponseCode.contactAdmin(), "IMAP access is disabled for this account");
            }
        };
    }
}
