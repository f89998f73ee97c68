package dev.letterbox.smtp.server;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.LoginGuard;
import dev.letterbox.config.Config;
import dev.letterbox.delivery.LocalDelivery;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.net.Connection;
import dev.letterbox.net.ConnectionHandler;
import dev.letterbox.queue.MailQueue;
import dev.letterbox.store.MailStore;

/** What every SMTP session of one role shares; hands each new connection its own {@link SmtpSession}. */
public final class SmtpService implements ConnectionHandler {
    /** MTA: port 25, mail from other servers. SUBMISSION: ports 587 and 465, our users (AUTH required). */
    public enum Role { MTA, SUBMISSION }

    final MailStore store;
    final Directory directory;
    final LocalDelivery delivery;
    final MailQueue queue;
    final LoginGuard logins;
    final CommandRate commandRate;
    final Metrics metrics;
    final Config.Smtp config;
    final String hostname;
    final Role role;
    final InboundPolicy policy;

    public SmtpService(MailStore store, Directory directory, LocalDelivery delivery, MailQueue queue,
                       LoginGuard logins, CommandRate commandRate, Metrics metrics, Config.Smtp config,
                       String hostname, Role role) {
        this.store = store;
        this.directory = directory;
        this.delivery = delivery;
        this.queue = queue;
        this.logins = logins;
        this.commandRate = commandRate;
        this.metrics = metrics;
        this.config = config;
        this.hostname = hostname;
        this.role = role;
        this.policy = new InboundPolicy(directory);
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
