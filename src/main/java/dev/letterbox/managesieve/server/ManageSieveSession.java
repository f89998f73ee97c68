package dev.letterbox.managesieve.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.auth.LoginOutcome;
import dev.letterbox.auth.LoginWatch;
import dev.letterbox.auth.SaslChannel;
import dev.letterbox.auth.SaslOutcome;
import dev.letterbox.auth.SaslPlain;
import dev.letterbox.managesieve.CommandReader;
import dev.letterbox.managesieve.ResponseCode;
import dev.letterbox.managesieve.SieveCommand;
import dev.letterbox.managesieve.SieveParser;
import dev.letterbox.managesieve.SieveSyntaxException;
import dev.letterbox.managesieve.SieveWriter;
import dev.letterbox.managesieve.Token;
import dev.letterbox.net.Connection;
import dev.letterbox.net.LineTooLongException;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One ManageSieve session. Commands are checked against the state in {@link #dispatch}, in one
 * place; the script commands are in {@link ScriptCommands}. Responses are flushed when no further
 * pipelined command is waiting.
 */
final class ManageSieveSession {
    static final System.Logger LOG = System.getLogger("letterbox.managesieve");
    private static final int MAX_ERRORS = 10;

    final ManageSieveService service;
    final Connection conn;
    final SieveWriter out;
    private final CommandReader reader;
    Account account; // null until AUTHENTICATE succeeds
    private LoginWatch loginWatch; // set with account
    private int errors;

    ManageSieveSession(ManageSieveService service, Connection conn) {
        this.service = service;
        this.conn = conn;
        this.out = new SieveWriter(conn.output());
        this.reader = new CommandReader(new ConnectionSource(conn), service.config.maxScriptSize());
    }

    void run() throws IOException {
        Capabilities.write(this, out); // §1.7: the greeting is the capability list
        out.ok("Letterbox ManageSieve ready");
        conn.flush();
        boolean goOn = true;
        try {
            while (goOn) {
                goOn = step();
                if (!goOn || !conn.hasBufferedInput()) conn.flush();
            }
        } finally {
            if (loginWatch != null) loginWatch.close();
        }
    }

    /** Reads and runs one command; false ends the session. */
    private boolean step() throws IOException {
        List<Token> tokens;
        try {
            tokens = reader.read();
        } catch (CommandReader.LineTooLongException e) {
            out.bye(null, "Line too long");
            return false;
        } catch (SieveSyntaxException e) {
            return !error(e.getMessage());
        } catch (CommandReader.LiteralTooLargeException e) {
            if (!e.discarded()) {
                out.bye(ResponseCode.QUOTA_MAXSIZE, "A string of " + e.size() + " octets is far too large");
                return false;
            }
            out.no(ResponseCode.QUOTA_MAXSIZE, "Scripts may be at most " + service.config.maxScriptSize() + " octets");
            return true;
        }
        if (tokens == null) return false; // gone
        if (tokens.isEmpty()) return true;
        SieveCommand command;
        try {
            command = SieveParser.parse(tokens);
        } catch (SieveSyntaxException e) {
            return !error(e.getMessage());
        }
        if (account != null && !loginWatch.stillValid()) {
            LOG.log(INFO, "{0}: {1} logged out: credential revoked", who(), account.address());
            out.bye(null, "Your login is no longer valid (password changed or revoked); log in again");
            return false;
        }
        long started = System.nanoTime();
        try {
            return dispatch(command);
        } catch (MailboxException e) {
            out.no(ScriptCommands.code(e), e.getMessage());
            return true;
        } catch (StoreException e) {
            // the store is unavailable (its database went away): say so, keep the session
            LOG.log(WARNING, "{0}: command failed: {1}", who(), e.getMessage());
            out.no(ResponseCode.TRYLATER, "Temporary problem; try again later");
            return true;
        } finally {
            service.metrics.commandLatency("managesieve", command.getClass().getSimpleName(), System.nanoTime() - started);
        }
    }

    /** Runs one command in the state it is allowed in; false ends the session. */
    private boolean dispatch(SieveCommand command) throws IOException {
        switch (command) {
            case SieveCommand.Capability c -> {
                Capabilities.write(this, out);
                out.ok("");
            }
            case SieveCommand.Noop n -> out.ok(n.tag().map(ResponseCode::tag).orElse(null), "Done");
            case SieveCommand.Logout l -> {
                out.ok("Logout completed");
                return false;
            }
            case SieveCommand.StartTls s -> {
                return startTls();
            }
            case SieveCommand.Authenticate a -> {
                return authenticate(a);
            }
            case SieveCommand.Unauthenticate u -> {
                if (account == null) return !error("Not authenticated");
                LOG.log(INFO, "{0}: unauthenticate {1}", who(), account.address());
                account = null;
                loginWatch.close();
                loginWatch = null;
                out.ok("");
            }
            default -> {
                if (account == null) return !error("Authenticate first");
                ScriptCommands.run(this, command);
            }
        }
        return true;
    }

    boolean plaintextAllowed() {
        return conn.isTls() || (service.plaintextAuthOnLoopback && conn.isLoopback());
    }

    /** §2.2: OK in plaintext, the handshake, then the capabilities again (they differ under TLS). */
    private boolean startTls() throws IOException {
        if (conn.isTls()) return !error("TLS is already active");
        if (account != null) return !error("STARTTLS is not allowed after authentication");
        out.ok("Begin TLS negotiation now");
        conn.flush();
        conn.startTls(); // pipelined plaintext input is discarded by the connection
        Capabilities.write(this, out);
        out.ok("TLS is active");
        return true;
    }

    /**
     * §2.1 with PLAIN (RFC 4616): the initial response as the second argument, or an empty
     * challenge ({@code ""}) answered by one string; {@code "*"} cancels.
     */
    private boolean authenticate(SieveCommand.Authenticate a) throws IOException {
        if (account != null) return !error("Already authenticated");
        if (LoginGuard.isScram(a.mechanism())) {
            if (!plaintextAllowed()) {
                out.no(ResponseCode.ENCRYPT_NEEDED, "Authenticate over TLS (use STARTTLS)");
                return true;
            }
            return scram(a);
        }
        if (!a.mechanism().equals("PLAIN")) {
            out.no("Unsupported authentication mechanism");
            return true;
        }
        if (!plaintextAllowed()) {
            out.no(ResponseCode.ENCRYPT_NEEDED, "Authenticate over TLS (use STARTTLS)");
            return true;
        }
        String response;
        if (a.initialResponse().isPresent()) {
            response = a.initialResponse().get();
        } else {
            out.stringLine("");
            conn.flush();
            try {
                List<Token> tokens = reader.read();
                if (tokens == null) return false; // gone
                response = SieveParser.saslResponse(tokens);
            } catch (SieveSyntaxException e) {
                return !error("Expected one string in answer to the challenge");
            } catch (CommandReader.LiteralTooLargeException e) {
                if (e.discarded()) return !error("Expected a short answer to the challenge");
                out.bye(null, "A string of " + e.size() + " octets is far too large");
                return false;
            }
            if (response.equals("*")) {
                out.no("Authentication cancelled");
                return true;
            }
        }
        Optional<SaslPlain> plain = SaslPlain.decode(response);
        if (plain.isEmpty()) return !error("Malformed PLAIN response");
        if (!plain.get().authorizationMatches()) {
            Arrays.fill(plain.get().password(), '\0');
            out.no("Acting as another user is not allowed");
            return true;
        }
        return login(plain.get().username(), plain.get().password());
    }

    /**
     * §2.1 with SCRAM-SHA-256(-PLUS) (RFC 5802, RFC 7677): challenges as base64 strings, answered
     * by one string each; the server-final message rides on the OK as (SASL "...").
     */
    private boolean scram(SieveCommand.Authenticate a) throws IOException {
        Optional<byte[]> initial = Optional.empty();
        if (a.initialResponse().isPresent()) {
            try {
                initial = Optional.of(Base64.getDecoder().decode(a.initialResponse().get()));
            } catch (IllegalArgumentException e) {
                return !error("Initial response is not base64");
            }
        }
        boolean[] gone = {false};
        SaslChannel channel = challenge -> {
            out.stringLine(Base64.getEncoder().encodeToString(challenge));
            conn.flush();
            String response;
            try {
                List<Token> tokens = reader.read();
                if (tokens == null) {
                    gone[0] = true;
                    throw new java.io.EOFException("connection closed during AUTHENTICATE");
                }
                response = SieveParser.saslResponse(tokens);
            } catch (SieveSyntaxException | CommandReader.LiteralTooLargeException e) {
                throw new SaslChannel.Malformed("Expected one string in answer to the challenge");
            }
            if (response.equals("*")) return null;
            try {
                return Base64.getDecoder().decode(response);
            } catch (IllegalArgumentException e) {
                throw new SaslChannel.Malformed("Response is not base64");
            }
        };
        SaslOutcome outcome;
        try {
            outcome = service.logins.authenticate(a.mechanism(), initial, channel, conn.tlsExporter(),
                    LoginProtocol.MANAGESIEVE, conn.remoteAddress().getAddress(), who());
        } catch (java.io.EOFException e) {
            if (gone[0]) return false;
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            out.bye(ResponseCode.TRYLATER, "Server shutting down");
            return false;
        }
        return switch (outcome) {
            case SaslOutcome.Cancelled c -> {
                out.no("Authentication cancelled");
                yield true;
            }
            case SaslOutcome.Malformed m -> !error(m.reason());
            case SaslOutcome.NotAuthorized n -> {
                out.no("Acting as another user is not allowed");
                yield true;
            }
            case SaslOutcome.Checked checked -> outcome(checked.login(),
                    checked.successData().map(d -> ResponseCode.sasl(Base64.getEncoder().encodeToString(d))).orElse(null));
        };
    }

    /** Through the shared {@link dev.letterbox.auth.LoginGuard}, which wipes the password; IMAP's switch. */
    private boolean login(String user, char[] password) throws IOException {
        LoginOutcome outcome;
        try {
            outcome = service.logins.login(user, password, LoginProtocol.MANAGESIEVE, conn.remoteAddress().getAddress(), who());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            out.bye(ResponseCode.TRYLATER, "Server shutting down");
            return false;
        }
        return outcome(outcome, null);
    }

    /** A checked login in ManageSieve's words; {@code success}: the response code for the OK, or null. */
    private boolean outcome(LoginOutcome outcome, ResponseCode success) throws IOException {
        switch (outcome) {
            case LoginOutcome.LoggedIn in -> {
                account = in.account();
                loginWatch = in.watch();
                conn.loggedIn();
                conn.setIdleTimeout(service.config.idleTimeout());
                LOG.log(INFO, "{0}: login {1}", who(), account.address());
                out.ok(success, "Logged in");
            }
            case LoginOutcome.BadCredentials b -> {
                return !error("Authentication failed");
            }
            case LoginOutcome.AccountDisabled d -> out.no("This account is disabled");
            case LoginOutcome.ProtocolDisabled d ->
                    out.no("Mailbox access (IMAP) is disabled for this account, and with it the filters");
            case LoginOutcome.AppPasswordRequired d -> out.no("This account takes app passwords only: create one for this app");
            case LoginOutcome.ClientBlocked b -> {
                out.bye(ResponseCode.TRYLATER, "Too many failed logins from your address; try again later");
                return false;
            }
            case LoginOutcome.AccountBusy b ->
                    out.no(ResponseCode.TRYLATER, "Too many failed logins for this account; try again in a minute");
        }
        return true;
    }

    /** Answers a refused command with NO; true when the session has had too many and must end (after BYE). */
    private boolean error(String message) throws IOException {
        out.no(message);
        if (++errors < MAX_ERRORS) return false;
        out.bye(null, "Too many errors");
        return true;
    }

    /** "managesieve 6f8lqd6k", the same session prefix the network layer logs with. */
    String who() {
        return conn.listenerName() + " " + conn.sessionId();
    }

    /** Adapts the connection's bounded line reader to the pure reader's interface. */
    private record ConnectionSource(Connection conn) implements CommandReader.Source {
        @Override
        public byte[] readLine(int maxLength) throws IOException {
            try {
                return conn.readLine(maxLength);
            } catch (LineTooLongException e) {
                throw new CommandReader.LineTooLongException();
            }
        }

        @Override
        public InputStream input() {
            return conn.input();
        }
    }
}
