package dev.letterbox.pop3.server;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.config.Config;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.store.MailStore;

/** What every POP3 session shares; hands each new connection its own {@link Pop3Session}. */
public final class Pop3Service implements ConnectionHandler {
    final MailStore store;
    final LoginGuard logins;
    final Metrics metrics;
    final Config.Pop3 config;
    final String hostname;
    final Pop3Locks locks;

    public Pop3Service(MailStore store, LoginGuard logins, Metrics metrics,
                       Config.Pop3 config, String hostname) {
        this.store = store;
        this.logins = logins;
        this.metrics = metrics;
        this.config = config;
        this.hostname = hostname;
        this.locks = new Pop3Locks(store.coordination());
    }

    @Override
    public void handle(Connection connection) throws Exception {
        new Pop3Session(this, connection).run();
    }
}
