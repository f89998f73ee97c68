package dev.letterbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.ScriptedSmtpServer;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code letterbox queue retry|delete} on the data dir of a running server, which has its own
 * process's view of the queue: a retry from the CLI is picked up by the server's runner on its
 * next look at the store, and a delete takes the message away for good.
 */
class QueueCommandTest {
    static TestDnsServer dns;
    static ScriptedSmtpServer remote;
    static TestServer server;
    static final AtomicBoolean busy = new AtomicBoolean(true);

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        remote = new ScriptedSmtpServer().rcptReply(line -> busy.get() ? "451 4.3.2 busy" : "250 2.1.5 ok");
        dns.mx("remote.test", 10, "mx.remote.test").a("mx.remote.test", "127.0.0.1");
        server = new TestServer("example.test", "[dns]\nservers = [\"" + dns.address() + "\"]\n"
                + "[delivery]\nremote_port = " + remote.port() + "\nretry_intervals = [\"1h\"]\n");
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (remote != null) remote.close();
        if (dns != null) dns.close();
    }

    private static QueuedMessage.Recipient deferred(long id) {
        return Mail.awaitRecipient(server, id, "a deferral", r -> r.state() == QueuedMessage.State.DEFERRED);
    }

    @Test
    void retryFromTheCliIsPickedUpByTheRunningServer() throws Exception {
        String alice = server.newUser("alice");
        long id = Mail.submit(server, alice, "someone@remote.test", "retry me");
        assertTrue(deferred(id).nextAttempt().isAfter(java.time.Instant.now().plusSeconds(3000)), "next try in an hour");
        busy.set(false);
        var r = Cli.run("queue", "retry", Long.toString(id), "--data", server.dataDir().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("1 recipient(s) of message " + id + " to be tried now\n", r.out());
        Mail.awaitGone(server, id);
        assertTrue(remote.received().stream().anyMatch(m -> m.mail().contains(alice)));
    }

    @Test
    void deleteRemovesTheMessageAndUnknownIdsAreErrors() throws Exception {
        busy.set(true);
        String alice = server.newUser("alice");
        long id = Mail.submit(server, alice, "another@remote.test", "delete me");
        deferred(id);
        String data = server.dataDir().toString();
        var deleted = Cli.run("queue", "delete", Long.toString(id), "--data", data);
        assertEquals(0, deleted.exit(), deleted.err());
        assertEquals("deleted message " + id + "\n", deleted.out());
        assertTrue(Mail.queued(server, id).isEmpty());

        var again = Cli.run("queue", "delete", Long.toString(id), "--data", data);
        assertEquals(1, again.exit());
        assertEquals("letterbox: no queued message " + id + "\n", again.err());
        assertEquals(1, Cli.run("queue", "retry", Long.toString(id), "--data", data).exit());
        var all = Cli.run("queue", "retry", "--data", data);
        assertEquals(0, all.exit(), all.err());
        assertTrue(all.out().endsWith(" recipient(s) to be tried now\n"), all.out());
    }
}
