package dev.letterbox.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.auth.Directory;
import dev.letterbox.auth.PasswordHasher;
import dev.letterbox.server.RuntimeInfo;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.Protocol;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.sql.SqlMailStore;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No mail is ever lost", the hard way: the sending server runs in a child JVM; a message is
 * accepted for a receiver that is down, the sender is killed with SIGKILL right after its 250,
 * restarted, the receiver comes up, and the message arrives (at least once, never zero times).
 */
class RelayCrashTest {
    @TempDir
    Path dir;

    @Test
    void aMessageQueuedBeforeASigkillIsDeliveredAfterTheRestart() throws Exception {
        try (TestDnsServer dns = new TestDnsServer()) {
            TestServer other = new TestServer("other.test", "").samePortsOnRestart();
            other.start();
            Process child = null;
            try {
                dns.mx("other.test", 10, "mail.other.test").a("mail.other.test", "127.0.0.1");
                String bob = other.newUser("bob");
                int otherPort = other.port("smtp");
                other.stopKeepingData(); // the receiver is down

                Path data = dir.resolve("sender");
                String alice = "alice@example.test";
                try (MailStore store = SqlMailStore.openSqlite(data)) {
                    Directory directory = new Directory(store.directory(), new PasswordHasher());
                    directory.addDomain("example.test");
                    directory.addAccount(alice, TestServer.PASSWORD.toCharArray(), 0, Protocol.all());
                }
                Path config = dir.resolve("sender.toml");
                Files.writeString(config, "hostname = \"mail.example.test\"\n[listen]\naddress = \"127.0.0.1\"\n"
                        + "[listen.ports]\nsmtp = 0\nsubmission = false\nsubmissions = 0\nimap = false\nimaps = false\n"
                        + "pop3 = false\npop3s = false\nmanagesieve = false\nhttp = false\nhttps = false\n"
                        + "[dns]\nservers = [\"" + dns.address() + "\"]\n"
                        + "[delivery]\nremote_port = " + otherPort + "\nretry_intervals = [\"1s\"]\n");

                child = startSender(data, config, "first");
                String message = Mail.message(alice, bob, "survives a crash");
                submit(data, alice, bob, message);
                child.destroyForcibly(); // SIGKILL: no shutdown, no flushing, nothing
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));

                try (MailStore store = SqlMailStore.openSqlite(data)) {
                    List<QueuedMessage> queued = store.queue().list(0, 10);
                    assertEquals(1, queued.size(), "the accepted message is still queued after the kill");
                    assertEquals(bob, queued.getFirst().recipients().getFirst().address());
                }

                other.start(); // the receiver comes back on its port
                child = startSender(data, config, "second");
                List<String> inbox = Mail.awaitInbox(other, bob, 1);
                assertTrue(inbox.stream().allMatch(m -> m.endsWith("\r\n" + message)), "it is our message: " + inbox);
                child.destroy(); // SIGTERM: a graceful stop
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                try (MailStore store = SqlMailStore.openSqlite(data)) {
                    assertTrue(store.queue().list(0, 10).isEmpty(), "delivered and gone from the queue");
                }
            } finally {
                if (child != null) child.destroyForcibly();
                other.stop();
            }
        }
    }

    private Process startSender(Path data, Path config, String name) throws Exception {
        Files.deleteIfExists(data.resolve("server.properties"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("sender-" + name + ".log");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.letterbox.cli.Main",
                "serve", "--data", data.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Eventually.until(Duration.ofSeconds(60), "the sender to start (log: " + log + ")", () -> {
            if (!p.isAlive()) throw new AssertionError("the sender exited: " + read(log));
            return RuntimeInfo.read(data).map(i -> i.ports().containsKey("submissions")).orElse(false);
        });
        return p;
    }

    private static void submit(Path data, String user, String to, String message) throws Exception {
        int port = RuntimeInfo.read(data).orElseThrow().ports().get("submissions");
        var anyCertificate = OutboundTls.load(Optional.empty()).opportunistic();
        try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", port, anyCertificate, null, Duration.ofSeconds(10))) {
            assertEquals(220, c.greeting().code());
            c.ehlo("client.example.org");
            assertEquals(235, c.authPlain(user, TestServer.PASSWORD).code());
            SmtpClient.Result r = c.send(SmtpClient.Envelope.of(user, to), message.getBytes(StandardCharsets.UTF_8));
            assertTrue(r.accepted(), r.toString());
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
