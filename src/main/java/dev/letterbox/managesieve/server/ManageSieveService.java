package dev.letterbox.managesieve.server;

import dev.letterbox.auth.LoginGuard;
import dev.letterbox.config.Config;
import dev.letterbox.managesieve.ScriptChecker;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.store.MailStore;
import java.nio.charset.StandardCharsets;

/** What every ManageSieve session shares; hands each new connection its own {@link ManageSieveSession}. */
public final class ManageSieveService implements ConnectionHandler {
    final MailStore store;
    final LoginGuard logins;
    final Metrics metrics;
    final Config.Sieve config;
    final boolean plaintextAuthOnLoopback;
    final ScriptChecker checker;

    /** {@code plaintextAuthOnLoopback}: IMAP's setting, which ManageSieve follows. */
    public ManageSieveService(MailStore store, LoginGuard logins, Metrics metrics, Config.Sieve config,
                              boolean plaintextAuthOnLoopback, ScriptChecker checker) {
        this.store = store;
        this.logins = logins;
        this.metrics = metrics;
        this.config = config;
        this.plaintextAuthOnLoopback = plaintextAuthOnLoopback;
        this.checker = checker;
    }

    @Override
    public void handle(Connection connection) throws Exception {
        new ManageSieveSession(this, connection).run();
    }

    /** RFC 5804 §1.3: BYE may come at any time, the server closing the connection. */
    @Override
    public byte[] goodbye() {
        return "BYE (TRYLATER) \"Server shutting down\"\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
