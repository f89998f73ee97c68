package dev.letterbox.imap.server;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.config.Config;
import dev.letterbox.imap.ImapWriter;
import dev.letterbox.imap.Status;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What every IMAP session shares; hands each new connection its own {@link ImapSession}. */
public final class ImapService implements ConnectionHandler {
    final MailStore store;
    final LoginGuard logins;
    final Metrics metrics;
    final Config.Imap config;
    final String hostname;
    final CopyListener copies;
    /** Sort and search keys of the messages sessions have sorted or searched by header. */
    final HeaderKeyCache headerKeys = new HeaderKeyCache(HeaderKeyCache.defaultBudget());
    /** Blob ids and decoded structures of the messages sessions have fetched. */
    final KnownMessages knownMessages = new KnownMessages();

    /**
     * Told of messages a user copied or moved (after the store committed it), e.g. to teach a spam
     * filter when mail goes into or out of Junk. Must not block: the IMAP reply waits for it.
     */
    @FunctionalInterface
    public interface CopyListener {
        CopyListener NONE = (account, source, target, uids) -> { };

        void copied(long accountId, Mailbox source, Mailbox target, long[] targetUids);
    }

    public ImapService(MailStore store, LoginGuard logins, Metrics metrics,
                       Config.Imap config, String hostname) {
        this(store, logins, metrics, config, hostname, CopyListener.NONE);
    }

    public ImapService(MailStore store, LoginGuard logins, Metrics metrics,
                       Config.Imap config, String hostname, CopyListener copies) {
        this.copies = copies;
        this.store = store;
        this.logins = logins;
        this.metrics = metrics;
        this.config = config;
        this.hostname = hostname;
    }

    @Override
    public void handle(Connection connection) throws Exception {
        new ImapSession(this, connection).run();
    }

    /** RFC 9051 §7.1.5: an untagged BYE tells the client the server is closing on purpose. */
    @Override
    public byte[] goodbye() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            new ImapWriter(line).untagged(Status.BYE, null, "Letterbox shutting down");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return line.toByteArray();
    }
}
