package dev.letterbox.smtp.server;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.LoginGuard;
import dev.letterbox.config.Config;
import dev.letterbox.delivery.Pipeline;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxGrants;

/** What every SMTP session of one role shares; hands each new connection its own {@link SmtpSession}. */
public final class SmtpService implements ConnectionHandler {
    /** MTA: port 25, mail from other servers. SUBMISSION: ports 587 and 465, our users (AUTH required). */
    public enum Role { MTA, SUBMISSION }

    final Directory directory;
    final Pipeline pipeline;
    final LoginGuard logins;
    final CommandRate commandRate;
    final Metrics metrics;
    final Config.Smtp config;
    final String hostname;
    final Role role;
    final SenderOwnership senders;
    /** Where BURL (RFC 4468) reads IMAP URLs; null where BURL is not offered (port 25). */
    final MailStore urlStore;

    public SmtpService(Directory directory, MailboxGrants grants, Pipeline pipeline, LoginGuard logins, CommandRate commandRate, Metrics metrics,
                       Config.Smtp config, String hostname, Role role) {
        this(directory, grants, pipeline, logins, commandRate, metrics, config, hostname, role, null);
    }

    /** {@code urlStore}: the store whose IMAP URLs BURL may name (submission only), or null for no BURL. */
    public SmtpService(Directory directory, MailboxGrants grants, Pipeline pipeline, LoginGuard logins, CommandRate commandRate,
                       Metrics metrics, Config.Smtp config, String hostname, Role role, MailStore urlStore) {
        this.directory = directory;
        this.pipeline = pipeline;
        this.logins = logins;
        this.commandRate = commandRate;
        this.metrics = metrics;
        this.config = config;
        this.hostname = hostname;
        this.role = role;
        this.senders = new SenderOwnership(directory, grants);
        this.urlStore = role == Role.SUBMISSION ? urlStore : null;
    }

    /** RFC 5321 §3.8: a server shutting down may answer 421 and close. */
    @Override
    public byte[] goodbye() {
        return ("421 4.3.2 " + hostname + " shutting down, try again later\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void handle(Connection connection) throws Exception {
        new SmtpSession(this, connection).run();
    }
}
