package dev.letterbox.cluster;

import dev.letterbox.smtp.client.SmtpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The clients of the failover test, each a loop that runs while {@code running} says so and
 * behaves as a patient mail client does: when its connection breaks it reconnects (haproxy sends it
 * to a node that is alive) and goes on with the next message. None retries a message it sent: an
 * answer lost with the connection leaves that message in doubt in the {@link Ledger}.
 */
final class LoadClients {
    private static final Duration SMTP_TIMEOUT = Duration.ofSeconds(15);
    /** Messages per SMTP session: new sessions keep going round the nodes. */
    private static final int MESSAGES_PER_SESSION = 10;

    private LoadClients() {}

    /** Delivers numbered messages over SMTP (no AUTH: local recipients on port 25) to the accounts in turn. */
    static Runnable smtpSender(int port, List<String> accounts, Ledger ledger, BooleanSupplier running) {
        return () -> {
            int turn = 0;
            while (running.getAsBoolean()) {
                try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", port, SMTP_TIMEOUT)) {
                    if (smtp.greeting().code() != 220 || !smtp.ehlo("client.test").isPositive()) throw new IOException("no session");
                    for (int i = 0; i < MESSAGES_PER_SESSION && running.getAsBoolean(); i++) {
                        String to = accounts.get(turn++ % accounts.size());
                        String id = ledger.newId("smtp");
                        SmtpClient.Result r;
                        try {
                            r = smtp.send(SmtpClient.Envelope.of("load@client.test", to), Ledger.message(id, to));
                        } catch (IOException e) {
                            ledger.inDoubt(id, to); // the message may have been complete when the node died
                            throw e;
                        }
                        if (r.data().isPresent() && r.data().get().code() == 250) ledger.acknowledged(id, to);
                        else ledger.refused();
                    }
                    smtp.quit();
                } catch (IOException e) {
                    if (!running.getAsBoolean()) return;
                    ledger.reconnected();
                    pause();
                }
            }
        };
    }

    /** APPENDs numbered messages to {@code account}'s INBOX over IMAP. */
    static Runnable imapAppender(int port, String account, String password, Ledger ledger, BooleanSupplier running) {
        return () -> {
            while (running.getAsBoolean()) {
                try (ImapWire imap = ImapWire.connect(port, null)) {
                    imap.command("LOGIN \"" + account + "\" \"" + password + "\"");
                    for (int i = 0; i < MESSAGES_PER_SESSION && running.getAsBoolean(); i++) {
                        String id = ledger.newId("imap");
                        try {
                            imap.append(Ledger.message(id, account));
                        } catch (IOException e) {
                            if (e.getMessage() != null && e.getMessage().startsWith("answer: ")) {
                                ledger.refused(); // a tagged NO/BAD: told it is not stored
                                continue;
                            }
                            ledger.inDoubt(id, account);
                            throw e;
                        }
                        ledger.acknowledged(id, account);
                    }
                    imap.command("LOGOUT");
                } catch (IOException e) {
                    if (!running.getAsBoolean()) return;
                    ledger.reconnected();
                    pause();
                }
            }
        };
    }

    /**
     * Holds an IDLE on {@code account}'s INBOX and keeps {@link #lastExists} at the last count the
     * server announced (by SELECT or by "* N EXISTS" while idling); reconnects when dropped.
     */
    static final class IdleWatcher implements Runnable {
        private final int port;
        private final String account;
        private final String password;
        private final BooleanSupplier running;
        final AtomicInteger lastExists = new AtomicInteger(-1);
        final AtomicInteger updates = new AtomicInteger();
        final AtomicInteger drops = new AtomicInteger();

        IdleWatcher(int port, String account, String password, BooleanSupplier running) {
            this.port = port;
            this.account = account;
            this.password = password;
            this.running = running;
        }

        String account() {
            return account;
        }

        @Override
        public void run() {
            while (running.getAsBoolean()) {
                try (ImapWire imap = ImapWire.connect(port, null)) {
                    lastExists.set(imap.loginAndSelect(account, password));
                    imap.idle();
                    while (running.getAsBoolean()) {
                        String line = imap.next(250);
                        if (line == null) continue;
                        int n = ImapWire.exists(line);
                        if (n >= 0) {
                            lastExists.set(n);
                            updates.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    if (!running.getAsBoolean()) return;
                    drops.incrementAndGet();
                    pause();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
