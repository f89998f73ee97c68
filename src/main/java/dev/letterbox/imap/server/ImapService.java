package dev.letterbox.imap.server;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.config.Config;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.store.MailStore;

/** What every IMAP session shares; hands each new connection its own {@link ImapSession}. */
public final class ImapService implements ConnectionHandler {
    final MailStore store;
    final LoginGuard logins;
    final Metrics metrics;
    final Config.Imap config;
    final String hostname;
    final RecentClaims recentClaims = new RecentClaims();

    public ImapService(MailStore store, LoginGuard logins, Metrics metrics,
                       Config.Imap config, String hostname) {
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
        return "* BYE Letterbox shutting down\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
