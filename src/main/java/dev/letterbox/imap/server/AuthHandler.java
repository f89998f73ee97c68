package dev.letterbox.imap.server;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.auth.LoginOutcome;
import dev.letterbox.auth.SaslChannel;
import dev.letterbox.auth.SaslOutcome;
import dev.letterbox.auth.SaslPlain;
import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.imap.Status;
import dev.letterbox.store.Account;
import dev.letterbox.store.LoginProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** The not-authenticated state: STARTTLS, AUTHENTICATE PLAIN and SCRAM-SHA-256(-PLUS) (with SASL-IR), LOGIN. */
final class AuthHandler {
    private AuthHandler() {}

    /** RFC 3501 §6.2.1 / RFC 9051 §6.2.1: the OK goes out in plaintext, then the handshake. */
    static Done startTls(CommandContext ctx, ImapCommand.StartTls c) throws IOException {
        if (ctx.isTls()) return Done.bad("TLS is already active");
        if (ctx.compressing()) return Done.bad("STARTTLS is not allowed after COMPRESS");
        ctx.out.tagged(c.tag(), Status.OK, null, "Begin TLS negotiation now");
        ctx.startTls(); // pipelined plaintext input is discarded by the connection (RFC 3501 §6.2.1)
        return null;
    }

    /** RFC 3501 §6.2.3: refused with [PRIVACYREQUIRED] before TLS unless allowed; LOGINDISABLED says so. */
    static Done login(CommandContext ctx, ImapCommand.Login c) throws IOException {
        if (!ctx.plaintextAllowed()) {
            Arrays.fill(c.password(), '\0');
            return Done.no(ResponseCode.privacyRequired(), "Log in over TLS (use STARTTLS or port 993)");
        }
        return check(ctx, c.user(), c.password());
    }

    /**
     * RFC 3501 §6.2.2 with RFC 4959 SASL-IR; PLAIN only (RFC 4616). Without an initial response
     * the server sends an empty challenge and reads the response line; "*" cancels (BAD).
     */
    static Done authenticate(CommandContext ctx, ImapCommand.Authenticate c) throws IOException {
        boolean scram = LoginGuard.isScram(c.mechanism());
        if (!c.mechanism().equals("PLAIN") && !scram) return Done.no(ResponseCode.cannot(), "Unsupported authentication mechanism");
        if (!ctx.plaintextAllowed()) {
            return Done.no(ResponseCode.privacyRequired(), "Authenticate over TLS (use STARTTLS or port 993)");
        }
        if (scram) return scram(ctx, c);
        String response;
        if (c.initialResponse().isPresent()) {
            response = c.initialResponse().get();
            if (response.equals("=")) response = "";
        } else {
            String line = challenge(ctx, "");
            if (line == null) {
                ctx.loggedOut();
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
        return check(ctx, plain.get().username(), plain.get().password());
    }

    /** Sends "+ text" and reads the client's answer line; null when the connection ended. */
    private static String challenge(CommandContext ctx, String text) throws IOException {
        ctx.out.continuation(text);
        return readResponseLine(ctx);
    }

    /**
     * SCRAM-SHA-256(-PLUS) (RFC 5802 §5, RFC 7677) through the shared exchange: each challenge a
     * "+ base64" continuation; the server-final message a last continuation the client answers
     * with an empty line, then the tagged OK.
     */
    private static Done scram(CommandContext ctx, ImapCommand.Authenticate c) throws IOException {
        InetAddress ip = ctx.remoteIp();
        Optional<byte[]> initial;
        if (c.initialResponse().isEmpty()) initial = Optional.empty();
        else if (c.initialResponse().get().equals("=")) initial = Optional.of(new byte[0]);
        else {
            try {
                initial = Optional.of(Base64.getDecoder().decode(c.initialResponse().get()));
            } catch (IllegalArgumentException e) {
                return Done.bad("Initial response is not base64");
            }
        }
        boolean[] gone = {false};
        SaslChannel channel = challenge -> {
            String line = challenge(ctx, Base64.getEncoder().encodeToString(challenge));
            if (line == null) {
                gone[0] = true;
                throw new java.io.EOFException("connection closed during AUTHENTICATE");
            }
            if (line.equals("*")) return null;
            try {
                return Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                throw new SaslChannel.Malformed("Response is not base64");
            }
        };
        SaslOutcome outcome;
        try {
            outcome = ctx.logins().authenticate(c.mechanism(), initial, channel, ctx.tlsExporter(),
                    LoginProtocol.IMAP, ip, ctx.who());
        } catch (java.io.EOFException e) {
            if (!gone[0]) throw e;
            ctx.loggedOut();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            return Done.no(ResponseCode.unavailable(), "Server shutting down");
        }
        return switch (outcome) {
            case SaslOutcome.Cancelled x -> Done.bad("Authentication cancelled");
            case SaslOutcome.Malformed m -> Done.bad(m.reason());
            case SaslOutcome.NotAuthorized x -> Done.no(ResponseCode.authorizationFailed(), "Acting as another user is not allowed");
            case SaslOutcome.Checked checked -> {
                boolean confirmed;
                try {
                    confirmed = checked.confirmOverChallenge(channel);
                } catch (java.io.EOFException e) {
                    ctx.loggedOut();
                    yield null;
                }
                yield confirmed ? outcome(ctx, checked.login()) : Done.bad("Authentication cancelled");
            }
        };
    }

    private static String readResponseLine(CommandContext ctx) throws IOException {
        byte[] raw;
        try {
            raw = ctx.readResponseLine(ImapSession.MAX_RESPONSE_LINE);
        } catch (dev.letterbox.net.LineTooLongException e) {
            return "*"; // treated like a cancel: the exchange ends with BAD
        }
        if (raw == null) return null;
        int len = raw.length;
        while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r')) len--;
        return new String(raw, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Checks credentials through the shared {@link dev.letterbox.auth.LoginGuard}, which wipes the password. */
    private static Done check(CommandContext ctx, String user, char[] password) {
        InetAddress ip = ctx.remoteIp();
        LoginOutcome outcome;
        try {
            outcome = ctx.logins().login(user, password, LoginProtocol.IMAP, ip, ctx.who());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            return Done.no(ResponseCode.unavailable(), "Server shutting down");
        }
        return outcome(ctx, outcome);
    }

    /** A checked login in IMAP's words. */
    private static Done outcome(CommandContext ctx, LoginOutcome outcome) {
        return switch (outcome) {
            case LoginOutcome.LoggedIn ok -> {
                Account account = ok.account();
                ctx.logIn(account, ok.watch());
                ImapSession.LOG.log(INFO, "{0}: login {1}", ctx.who(), account.address());
                yield Done.ok(ResponseCode.capability(Capabilities.of(ctx)), "Logged in");
            }
            case LoginOutcome.BadCredentials bad -> Done.no(ResponseCode.authenticationFailed(), "Authentication failed");
            case LoginOutcome.AccountDisabled d -> Done.no(ResponseCode.contactAdmin(), "This account is disabled");
            case LoginOutcome.ProtocolDisabled d -> Done.no(ResponseCode.contactAdmin(), "IMAP access is disabled for this account or password");
            case LoginOutcome.AppPasswordRequired d ->
                    Done.no(ResponseCode.authenticationFailed(), "This account takes app passwords only: create one for this app");
            case LoginOutcome.ClientBlocked b ->
                    Done.no(ResponseCode.unavailable(), "Too many failed logins from your address; try again later");
            case LoginOutcome.AccountBusy b ->
                    Done.no(ResponseCode.unavailable(), "Too many failed logins for this account; try again in a minute");
        };
    }
}
