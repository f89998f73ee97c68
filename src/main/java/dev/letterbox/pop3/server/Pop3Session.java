package dev.letterbox.pop3.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.auth.LoginOutcome;
import dev.letterbox.auth.LoginWatch;
import dev.letterbox.auth.SaslChannel;
import dev.letterbox.auth.SaslOutcome;
import dev.letterbox.auth.SaslPlain;
import dev.letterbox.net.Connection;
import dev.letterbox.net.LineTooLongException;
import dev.letterbox.pop3.Pop3Command;
import dev.letterbox.pop3.Pop3Parser;
import dev.letterbox.pop3.Pop3Reply;
import dev.letterbox.pop3.Pop3Reply.Code;
import dev.letterbox.pop3.Pop3SyntaxException;
import dev.letterbox.store.Account;
import dev.letterbox.store.FlagUpdate;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One POP3 session. Commands are checked against the state here, in one place, then handled by the
 * method of the same name. Replies are flushed when no further pipelined command is waiting.
 */
final class Pop3Session {
    private static final System.Logger LOG = System.getLogger("letterbox.pop3");
    private static final int MAX_ERRORS = 10;
    private static final int PAGE = 5000;

    private final Pop3Service service;
    private final Connection conn;
    private final Pop3Reply reply;
    private String pendingUser; // after USER, before PASS
    private Account account; // set in TRANSACTION state
    private LoginWatch loginWatch; // set in TRANSACTION state
    private Pop3Locks.Lock lock; // held in TRANSACTION state
    private Maildrop maildrop;
    private int errors;

    Pop3Session(Pop3Service service, Connection conn) {
        this.service = service;
        this.conn = conn;
        this.reply = new Pop3Reply(conn.output());
    }

    void run() throws IOException {
        try {
            reply.ok("Letterbox POP3 server ready");
            conn.flush();
            boolean goOn = true;
            while (goOn) {
                try {
                    byte[] raw = conn.readLine(Pop3Parser.MAX_LINE);
                    if (raw == null) return; // gone without QUIT: nothing is deleted
                    Pop3Command command = Pop3Parser.parse(stripTerminator(raw));
                    long started = System.nanoTime();
                    goOn = dispatch(command);
                    service.metrics.commandLatency("pop3", command.getClass().getSimpleName(), System.nanoTime() - started);
                } catch (LineTooLongException e) {
                    goOn = !error("line too long");
                } catch (Pop3SyntaxException e) {
                    goOn = !error(e.getMessage());
                } catch (StoreException e) {
                    // the store is unavailable (its database went away): say so, keep the session
                    LOG.log(WARNING, "{0}: command failed: {1}", who(), e.getMessage());
                    reply.err(Code.SYS_TEMP, "temporary problem; try again later");
                }
                // PIPELINING (RFC 2449 §6.6): answer a batch of commands in one write
                if (!goOn || !conn.hasBufferedInput()) conn.flush();
            }
        } finally {
            if (lock != null) lock.release();
            if (loginWatch != null) loginWatch.close();
        }
    }

    /** Runs one command; false ends the session. */
    private boolean dispatch(Pop3Command command) throws IOException {
        if (command instanceof Pop3Command.Capa) {
            capa();
            return true;
        }
        if (command instanceof Pop3Command.Quit) {
            quit();
            return false;
        }
        if (command instanceof Pop3Command.Unsupported u) {
            reply.err(u.keyword() + " is not supported");
            return true;
        }
        if (account != null && !loginWatch.stillValid()) {
            // the credential was revoked or changed: end without entering UPDATE (nothing is deleted)
            reply.err(Code.AUTH, "your login is no longer valid (password changed or revoked); log in again");
            LOG.log(INFO, "{0}: {1} logged out: credential revoked", who(), account.address());
            return false;
        }
        return account == null ? authorization(command) : transaction(command);
    }

    private boolean authorization(Pop3Command command) throws IOException {
        switch (command) {
            case Pop3Command.User u -> user(u);
            case Pop3Command.Pass p -> {
                return pass(p);
            }
            case Pop3Command.Auth a -> {
                return auth(a);
            }
            case Pop3Command.Stls s -> stls();
            default -> {
                return !error("command not valid before login");
            }
        }
        return true;
    }

    private boolean transaction(Pop3Command command) throws IOException {
        switch (command) {
            case Pop3Command.Stat s -> reply.ok(maildrop.liveCount() + " " + maildrop.liveSize());
            case Pop3Command.List l -> list(l);
            case Pop3Command.Uidl u -> uidl(u);
            case Pop3Command.Retr r -> retr(r.message(), -1);
            case Pop3Command.Top t -> retr(t.message(), t.lines());
            case Pop3Command.Dele d -> dele(d);
            case Pop3Command.Noop n -> reply.ok("");
            case Pop3Command.Rset r -> {
                maildrop.resetMarks();
                reply.ok("maildrop has " + maildrop.liveCount() + " messages (" + maildrop.liveSize() + " octets)");
            }
            default -> {
                return !error("command not valid after login");
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- AUTHORIZATION (RFC 1939 §4, §7)

    private boolean plaintextAllowed() {
        return conn.isTls() || (service.config.plaintextAuthOnLoopback() && conn.isLoopback());
    }

    /** RFC 2449 §5: the capabilities depend on the state and on TLS. */
    private void capa() throws IOException {
        reply.ok("Capability list follows");
        reply.bodyLine("TOP");
        reply.bodyLine("UIDL");
        reply.bodyLine("RESP-CODES");
        reply.bodyLine("AUTH-RESP-CODE");
        reply.bodyLine("PIPELINING");
        reply.bodyLine("EXPIRE NEVER");
        if (account == null) {
            if (!conn.isTls()) reply.bodyLine("STLS");
            if (plaintextAllowed()) {
                reply.bodyLine("USER");
                reply.bodyLine("SASL PLAIN " + String.join(" ", LoginGuard.scramMechanisms(conn.canBindChannel())));
            }
        }
        reply.bodyLine("IMPLEMENTATION Letterbox");
        reply.endOfBody();
    }

    private void user(Pop3Command.User u) throws IOException {
        if (!plaintextAllowed()) {
            reply.err("plaintext authentication is not allowed before STLS");
            return;
        }
        pendingUser = u.name();
        reply.ok("send PASS");
    }

    private boolean pass(Pop3Command.Pass p) throws IOException {
        if (pendingUser == null) return !error("USER first");
        String user = pendingUser;
        pendingUser = null;
        return login(user, p.password().toCharArray());
    }

    /** RFC 5034: AUTH PLAIN with or without an initial response; AUTH alone lists mechanisms. */
    private boolean auth(Pop3Command.Auth a) throws IOException {
        if (a.mechanism().isEmpty()) {
            reply.ok("");
            if (plaintextAllowed()) {
                reply.bodyLine("PLAIN");
                for (String m : LoginGuard.scramMechanisms(conn.canBindChannel())) reply.bodyLine(m);
            }
            reply.endOfBody();
            return true;
        }
        if (!plaintextAllowed()) {
            reply.err("authentication is not allowed before STLS");
            return true;
        }
        if (LoginGuard.isScram(a.mechanism().get())) return scram(a.mechanism().get(), a.initialResponse());
        if (!a.mechanism().get().equals("PLAIN")) {
            reply.err("unsupported mechanism");
            return true;
        }
        String response;
        if (a.initialResponse().isPresent()) {
            response = a.initialResponse().get();
            if (response.equals("=")) response = "";
        } else {
            reply.continuation("");
            conn.flush();
            byte[] raw;
            try {
                raw = conn.readLine(8192);
            } catch (LineTooLongException e) {
                reply.err(Code.AUTH, "response too long");
                return true;
            }
            if (raw == null) return false;
            response = stripTerminator(raw);
            if (response.equals("*")) {
                reply.err("authentication cancelled");
                return true;
            }
        }
        Optional<SaslPlain> plain = SaslPlain.decode(response);
        if (plain.isEmpty()) {
            reply.err("malformed PLAIN response");
            return !countError();
        }
        if (!plain.get().authorizationMatches()) {
            reply.err(Code.AUTH, "acting as another user is not allowed");
            return true;
        }
        return login(plain.get().username(), plain.get().password());
    }

    /**
     * RFC 5034 with SCRAM-SHA-256(-PLUS) (RFC 5802, RFC 7677): challenges as "+ base64"; the
     * server-final message is one more "+ base64" the client answers with an empty line.
     */
    private boolean scram(String mechanism, Optional<String> initialResponse) throws IOException {
        Optional<byte[]> initial = Optional.empty();
        if (initialResponse.isPresent()) {
            try {
                initial = Optional.of(initialResponse.get().equals("=") ? new byte[0] : Base64.getDecoder().decode(initialResponse.get()));
            } catch (IllegalArgumentException e) {
                reply.err("initial response is not base64");
                return !countError();
            }
        }
        SaslChannel channel = challenge -> {
            reply.continuation(Base64.getEncoder().encodeToString(challenge));
            conn.flush();
            byte[] raw;
            try {
                raw = conn.readLine(8192);
            } catch (LineTooLongException e) {
                throw new SaslChannel.Malformed("response too long");
            }
            if (raw == null) throw new java.io.EOFException("connection closed during AUTH");
            String line = stripTerminator(raw);
            if (line.equals("*")) return null;
            try {
                return Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                throw new SaslChannel.Malformed("response is not base64");
            }
        };
        SaslOutcome outcome;
        try {
            outcome = service.logins.authenticate(mechanism, initial, channel, conn.tlsExporter(), LoginProtocol.POP3,
                    conn.remoteAddress().getAddress(), who());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            return false;
        }
        switch (outcome) {
            case SaslOutcome.Cancelled c -> reply.err("authentication cancelled");
            case SaslOutcome.Malformed m -> {
                reply.err(m.reason());
                return !countError();
            }
            case SaslOutcome.NotAuthorized n -> reply.err(Code.AUTH, "acting as another user is not allowed");
            case SaslOutcome.Checked checked -> {
                if (!checked.confirmOverChallenge(channel)) {
                    reply.err("authentication cancelled");
                    return true;
                }
                return outcome(checked.login());
            }
        }
        return true;
    }

    /** Checks credentials through the shared {@link dev.letterbox.auth.LoginGuard}, then opens the maildrop. */
    private boolean login(String username, char[] password) throws IOException {
        LoginOutcome outcome;
        try {
            outcome = service.logins.login(username, password, LoginProtocol.POP3, conn.remoteAddress().getAddress(), who());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is shutting down
            return false;
        }
        return outcome(outcome);
    }

    /** A checked login in POP3's words; false ends the session. */
    private boolean outcome(LoginOutcome outcome) throws IOException {
        switch (outcome) {
            case LoginOutcome.LoggedIn in -> {
                boolean goOn = open(in.account());
                if (account == null) in.watch().close(); // the maildrop did not open
                else loginWatch = in.watch();
                return goOn;
            }
            case LoginOutcome.BadCredentials b -> {
                reply.err(Code.AUTH, "authentication failed");
                return !countError();
            }
            case LoginOutcome.AccountDisabled d -> reply.err(Code.AUTH, "this account is disabled");
            case LoginOutcome.ProtocolDisabled d ->
                    reply.err(Code.AUTH, "POP3 access is disabled for this account or password; use IMAP or ask your administrator");
            case LoginOutcome.AppPasswordRequired d ->
                    reply.err(Code.AUTH, "this account takes app passwords only: create one for this app");
            case LoginOutcome.ClientBlocked b -> {
                reply.err(Code.SYS_TEMP, "too many failed logins from your address; try again later");
                return false;
            }
            case LoginOutcome.AccountBusy b -> reply.err(Code.SYS_TEMP, "too many failed logins for this account; try again in a minute");
        }
        return true;
    }

    private boolean open(Account a) throws IOException {
        Optional<Pop3Locks.Lock> taken;
        try {
            taken = service.locks.tryLock(a.id(), conn.sessionId());
        } catch (StoreException e) {
            LOG.log(WARNING, "{0}: cannot lock the maildrop of {1}: {2}", who(), a.address(), e.getMessage());
            reply.err(Code.SYS_TEMP, "cannot open your maildrop right now; try again later");
            return true;
        }
        if (taken.isEmpty()) {
            LOG.log(INFO, "{0}: login for {1}: maildrop in use", who(), a.address());
            reply.err(Code.IN_USE, "maildrop already locked by another POP3 session");
            return true;
        }
        try {
            maildrop = service.store.read(a.id(), tx -> {
                Mailbox inbox = tx.mailbox(Mailbox.INBOX).orElseThrow(() -> new StoreException("account has no INBOX"));
                List<MessageMeta> all = new ArrayList<>();
                long from = 1;
                while (true) {
                    List<MessageMeta> page = tx.messages(inbox.id(), from, Long.MAX_VALUE, PAGE);
                    all.addAll(page);
                    if (page.size() < PAGE) break;
                    from = page.get(page.size() - 1).uid() + 1;
                }
                return new Maildrop(inbox.id(), inbox.uidValidity(), all);
            });
        } catch (StoreException e) {
            taken.get().release();
            LOG.log(WARNING, "{0}: cannot open maildrop of {1}: {2}", who(), a.address(), e.getMessage());
            reply.err(Code.SYS_TEMP, "cannot open your maildrop right now; try again later");
            return true;
        }
        account = a;
        lock = taken.get();
        conn.loggedIn();
        LOG.log(INFO, "{0}: login {1} ({2} messages)", who(), a.address(), maildrop.count());
        reply.ok("Logged in, " + maildrop.liveCount() + " messages (" + maildrop.liveSize() + " octets)");
        return true;
    }

    /** RFC 2595 §4: STLS, only before login and only once. */
    private void stls() throws IOException {
        if (conn.isTls()) {
            reply.err("TLS is already active");
            return;
        }
        reply.ok("Begin TLS negotiation");
        conn.flush();
        conn.startTls();
        pendingUser = null;
    }

    // ---------------------------------------------------------------- TRANSACTION (RFC 1939 §5)

    private void list(Pop3Command.List l) throws IOException {
        if (l.message().isPresent()) {
            int n = l.message().getAsInt();
            if (!maildrop.isLive(n)) {
                reply.err("no such message");
                return;
            }
            reply.ok(n + " " + maildrop.size(n));
            return;
        }
        reply.ok(maildrop.liveCount() + " messages (" + maildrop.liveSize() + " octets)");
        for (int n = 1; n <= maildrop.count(); n++) {
            if (maildrop.isLive(n)) reply.bodyLine(n + " " + maildrop.size(n));
        }
        reply.endOfBody();
    }

    private void uidl(Pop3Command.Uidl u) throws IOException {
        if (u.message().isPresent()) {
            int n = u.message().getAsInt();
            if (!maildrop.isLive(n)) {
                reply.err("no such message");
                return;
            }
            reply.ok(n + " " + maildrop.uniqueId(n));
            return;
        }
        reply.ok("unique-id listing follows");
        for (int n = 1; n <= maildrop.count(); n++) {
            if (maildrop.isLive(n)) reply.bodyLine(n + " " + maildrop.uniqueId(n));
        }
        reply.endOfBody();
    }

    /** RETR (bodyLines &lt; 0) and TOP. */
    private void retr(int n, int bodyLines) throws IOException {
        if (!maildrop.isLive(n)) {
            reply.err("no such message");
            return;
        }
        InputStream in;
        try {
            in = service.store.blobs().open(maildrop.blob(n));
        } catch (IOException e) {
            LOG.log(WARNING, "{0}: cannot read message {1} of {2}: {3}", who(), n, account.address(), e.getMessage());
            reply.err(Code.SYS_TEMP, "message cannot be read right now (removed by another session?)");
            return;
        }
        try (in) {
            reply.ok(bodyLines < 0 ? maildrop.size(n) + " octets" : "top of message follows");
            reply.message(in, bodyLines);
        }
        if (bodyLines < 0) maildrop.markRetrieved(n);
    }

    private void dele(Pop3Command.Dele d) throws IOException {
        if (!maildrop.isLive(d.message())) {
            reply.err("no such message");
            return;
        }
        maildrop.markDeleted(d.message());
        reply.ok("message " + d.message() + " deleted");
    }

    // ---------------------------------------------------------------- UPDATE (RFC 1939 §6)

    /** In TRANSACTION state, applies the marks durably before answering; otherwise just says goodbye. */
    private void quit() throws IOException {
        if (account == null) {
            reply.ok("bye");
            conn.flush();
            return;
        }
        long[] deleted = maildrop.deletedUids();
        long[] seen = maildrop.retrievedUids();
        if (lock.lost() && (deleted.length > 0 || seen.length > 0)) {
            // another session may hold the maildrop now (RFC 1939 §8: one session at a time changes it)
            LOG.log(WARNING, "{0}: logout {1}: lock lost, {2} deletions not applied", who(), account.address(), deleted.length);
            reply.err(Code.SYS_TEMP, "the maildrop lock was lost; no messages were deleted, try again");
            conn.flush();
            return;
        }
        try {
            if (deleted.length > 0 || seen.length > 0) {
                service.store.write(account.id(), tx -> {
                    if (seen.length > 0) {
                        tx.storeFlags(maildrop.mailboxId, seen, FlagUpdate.Mode.ADD, Flags.ofSystem(Flags.SEEN), OptionalLong.empty());
                    }
                    if (deleted.length > 0) tx.expunge(maildrop.mailboxId, deleted);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.log(WARNING, "{0}: update failed for {1}: {2}", who(), account.address(), e.toString());
            reply.err(Code.SYS_TEMP, "some deleted messages were not removed; try again later");
            conn.flush();
            return;
        }
        // let go before answering: a client that reconnects at once, to any node, finds the maildrop free
        lock.release();
        lock = null;
        LOG.log(INFO, "{0}: logout {1}, {2} deleted", who(), account.address(), deleted.length);
        reply.ok("bye, " + deleted.length + " messages deleted");
        conn.flush();
    }

    // ---------------------------------------------------------------- helpers

    /** Answers a bad command; true when the session has had too many and must end. */
    private boolean error(String message) throws IOException {
        reply.err(message);
        return countError();
    }

    private boolean countError() throws IOException {
        if (++errors < MAX_ERRORS) return false;
        reply.err("too many errors, closing connection");
        conn.flush();
        return true;
    }

    private static String stripTerminator(byte[] raw) {
        int len = raw.length;
        if (len > 0 && raw[len - 1] == '\n') len--;
        if (len > 0 && raw[len - 1] == '\r') len--;
        return new String(raw, 0, len, StandardCharsets.UTF_8);
    }

    /** "pop3s 6f8lqd6k", the same session prefix the network layer logs with. */
    private String who() {
        return conn.listenerName() + " " + conn.sessionId();
    }
}
