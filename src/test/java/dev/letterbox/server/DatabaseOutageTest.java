package dev.letterbox.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.letterbox.config.Config;
import dev.letterbox.smtp.SmtpReply;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.StoreException;
import dev.letterbox.store.sql.StoreFactory;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.PostgresServer;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL going away under a running server, and not being there at start. While it is down,
 * every protocol says "try again later" (451, NO [UNAVAILABLE], -ERR [SYS/TEMP]) and keeps the
 * session; once it is back, the same sessions work again without a restart, and what was
 * acknowledged before the outage is all there.
 */
class DatabaseOutageTest {
    static PostgresServer database;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeFalse(TestServer.onPostgres(), "runs once, in the first pass: it brings its own database");
        database = PostgresServer.startPrivate();
        server = new TestServer("[store]\nbackend = \"postgresql\"\nurl = \"" + database.newDatabase() + "\"\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (database != null) database.close();
    }

    @Test
    void whileTheDatabaseIsDownEveryProtocolSaysTryLaterAndThenGoesOn() throws Exception {
        String user = server.newUser("outage");
        assertEquals(250, smtp(user, "before").code(), "accepted while the database is up");
        try (LineClient imap = imap(user); LineClient pop3 = pop3(user)) {
            pop3.send("QUIT");
            pop3.expectPrefix("+OK");
            imap.send("s SELECT INBOX");
            assertTrue(tagged(imap, "s").startsWith("s OK"));

            database.stop();
            SmtpReply refused = smtp(user, "during");
            assertEquals(451, refused.code(), "a temporary refusal, the sender tries again: " + refused);
            imap.send("n NOOP");
            tagged(imap, "n");
            // NOOP needs no database when nothing is known to have changed; STATUS always does
            imap.send("t STATUS INBOX (MESSAGES)");
            imap.expectPrefix("t NO [UNAVAILABLE]");
            try (LineClient during = pop3Connect()) {
                during.send("USER " + user);
                during.expectPrefix("+OK");
                during.send("PASS " + TestServer.PASSWORD);
                assertTrue(during.readLine().startsWith("-ERR [SYS/TEMP]"), "POP3 login while down");
            }

            database.start();
            assertEquals(250, eventually(() -> smtp(user, "after")).code(), "accepted again, no restart");
            imap.send("u STATUS INBOX (MESSAGES)");
            imap.expectPrefix("* STATUS \"INBOX\" (MESSAGES 2)");
            assertTrue(tagged(imap, "u").startsWith("u OK"));
        }
        try (LineClient pop3 = pop3(user)) {
            pop3.send("STAT");
            pop3.expectPrefix("+OK 2 ");
        }
    }

    @Test
    void aServerWhoseDatabaseIsUnreachableAtStartSaysWhyAndDoesNotStart(@TempDir Path dir) throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Config.Store config = new Config.Store(Config.Store.Backend.POSTGRESQL,
                Optional.of("postgresql://letterbox@127.0.0.1:" + closedPort + "/letterbox"), Optional.empty(), 2,
                Config.Store.Blobs.FILES, dir.resolve("blobs"));
        StoreException e = assertThrows(StoreException.class, () -> StoreFactory.open(config, dir));
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort) && e.getMessage().contains("refused"),
                "names the database and the reason: " + e.getMessage());
    }

    /** The first reply that is not a temporary failure, within a few seconds (the pool reconnects). */
    private static SmtpReply eventually(ThrowingSupplier<SmtpReply> attempt) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            SmtpReply r = attempt.get();
            if (r.code() != 451 || System.nanoTime() > deadline) return r;
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    /** The reply to the message's data (or to the first command refused on the way). */
    private static SmtpReply smtp(String user, String subject) throws Exception {
        try (SmtpClient c = SmtpClient.connect("127.0.0.1", server.port("smtp"), Duration.ofSeconds(30))) {
            c.greeting();
            c.ehlo("client.example.org");
            byte[] message = ("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
            SmtpClient.Result r = c.send(SmtpClient.Envelope.of("sender@example.org", user), message);
            if (!r.mail().isPositive()) return r.mail();
            for (SmtpReply rcpt : r.rcpts()) {
                if (!rcpt.isPositive()) return rcpt;
            }
            return r.data().orElseThrow();
        }
    }

    /** Reads to the tagged reply and returns it. */
    private static String tagged(LineClient imap, String tag) throws IOException {
        String line;
        do {
            line = imap.readLine();
        } while (line != null && !line.startsWith(tag + " "));
        return line;
    }

    private static LineClient imap(String user) throws IOException {
        LineClient c = server.connectTls("imaps");
        c.expectPrefix("* OK");
        c.send("L LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"");
        c.expectPrefix("L OK");
        return c;
    }

    private static LineClient pop3Connect() throws IOException {
        LineClient c = server.connectTls("pop3s");
        c.expectPrefix("+OK");
        return c;
    }

    private static LineClient pop3(String user) throws IOException {
        LineClient c = pop3Connect();
        c.send("USER " + user);
        c.expectPrefix("+OK");
        c.send("PASS " + TestServer.PASSWORD);
        c.expectPrefix("+OK");
        return c;
    }
}
