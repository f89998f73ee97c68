package dev.letterbox.imap.server;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.auth.LoginWatch;
import dev.letterbox.config.Config;
import dev.letterbox.imap.ImapWriter;
import dev.letterbox.net.Connection;
import dev.letterbox.store.Account;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.MailboxMetadata;
import dev.letterbox.store.UrlAuthKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * What a handler sees of its session: the writer, the logged-in account and its store, the selected
 * view, what the client enabled, the service's settings, and the few session transitions a command
 * makes (log in, select, deselect, log out, TLS, compression). One per connection; used only on
 * the session's thread or under its lock, like the session itself.
 *
 * <p>The state check and CONDSTORE enabling have already happened when a handler runs (see
 * {@link dev.letterbox.imap.ImapCommand#needs} and {@link dev.letterbox.imap.ImapCommand#enablesCondstore}).
 */
final class CommandContext {
    final ImapWriter out;
    final Enabled enabled;
    private final ImapSession session;
    private final ImapService service;
    private final Connection conn;

    CommandContext(ImapSession session, ImapService service, Connection conn, ImapWriter out, Enabled enabled) {
        this.session = session;
        this.service = service;
        this.conn = conn;
        this.out = out;
        this.enabled = enabled;
    }

    // ---------------------------------------------------------------- account and store

    /** The logged-in account (only for commands that need the authenticated state). */
    Account account() {
        return session.account();
    }

    /** The logged-in account's mailboxes. */
    AccountStore store() {
        return new AccountStore(service.store, account().id());
    }

    /** The mailboxes of {@code ownerId}: the session's own account or one that shared a mailbox with it. */
    AccountStore store(long ownerId) {
        return new AccountStore(service.store, ownerId);
    }

    MailboxGrants grants() {
        return service.store.grants();
    }

    BlobStore blobs() {
        return service.store.blobs();
    }

    MailboxMetadata metadata() {
        return service.store.metadata();
    }

    DirectoryStore directory() {
        return service.store.directory();
    }

    UrlAuthKeys urlAuthKeys() {
        return service.store.urlAuthKeys();
    }

    /** The whole store, for helpers shared with other protocols (URLAUTH is also read by SMTP BURL). */
    MailStore mailStore() {
        return service.store;
    }

    /** Sort and search keys of messages, kept on this node. */
    HeaderKeyCache headerKeys() {
        return service.headerKeys;
    }

    /** Blob ids and decoded structures of fetched messages, kept on this node. */
    KnownMessages knownMessages() {
        return service.knownMessages;
    }

    Config.Imap config() {
        return service.config;
    }

    LoginGuard logins() {
        return service.logins;
    }

    ImapService.CopyListener copies() {
        return service.copies;
    }

    // ---------------------------------------------------------------- session state

    /** The selected mailbox's view, or null. */
    SelectedMailbox selected() {
        return session.selected();
    }

    boolean loggedIn() {
        return session.loggedIn();
    }

    /** Enters the authenticated state (RFC 3501 §6.2) after a successful LOGIN or AUTHENTICATE. */
    void logIn(Account account, LoginWatch watch) {
        session.authenticated(account, watch);
    }

    /** Ends the session without a tagged response (the client went away mid-command). */
    void loggedOut() {
        session.loggedOut();
    }

    void select(SelectedMailbox view) {
        session.select(view);
    }

    void deselect() {
        session.deselect();
    }

    /** The selected mailbox changed under this command: its view is brought up to date before the tagged response. */
    void viewChanged() {
        session.dirty = true;
    }

    /** RFC 5465 NOTIFY in force, or null. */
    Notifications notifications() {
        return session.notify;
    }

    void notifications(Notifications n) {
        session.notify = n;
    }

    /** Whether CONDSTORE was on before the running command turned it on (ENABLE lists only what it turned on). */
    boolean condstoreBeforeCommand() {
        return session.condstoreWasOn;
    }

    /** "imaps 6f8lqd6k", the session prefix the network layer logs with. */
    String who() {
        return session.who();
    }

    // ---------------------------------------------------------------- the connection

    /** TLS, or plaintext allowed from loopback by configuration. */
    boolean plaintextAllowed() {
        return session.plaintextAllowed();
    }

    boolean isTls() {
        return conn.isTls();
    }

    InetAddress remoteIp() {
        return conn.remoteAddress().getAddress();
    }

    Optional<byte[]> tlsExporter() {
        return conn.tlsExporter();
    }

    boolean canBindChannel() {
        return conn.canBindChannel();
    }

    boolean compressing() {
        return session.compressing;
    }

    /** RFC 3501 §6.2.1: after the OK went out in plaintext; pipelined plaintext input is discarded. */
    void startTls() throws IOException {
        conn.flush();
        conn.startTls();
    }

    /** RFC 4978: after the OK went out uncompressed. */
    void startCompression() throws IOException {
        conn.startCompression();
        session.compressing = true;
    }

    /**
     * Sends what was written and reads one line of the client's answer (an AUTHENTICATE response),
     * without holding the session's lock across the blocking read. Null when the connection ended.
     */
    byte[] readResponseLine(int maxLength) throws IOException {
        conn.flush();
        session.lock.unlock();
        try {
            return conn.readLine(maxLength);
        } finally {
            session.lock.lock();
        }
    }
}
