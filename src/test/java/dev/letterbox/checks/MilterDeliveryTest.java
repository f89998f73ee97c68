package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.Mailbox;
import dev.letterbox.store.SpecialUse;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.RspamdServer;
import dev.letterbox.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail from the Internet through Debian's real rspamd, spoken to as a milter: GTUBE lands in Junk, a
 * clean message in INBOX, a message rspamd marks with its spam header in Junk with the header, and
 * with rspamd down the configured default (tempfail) answers 451 and nothing is stored.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MilterDeliveryTest {
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final String GTUBE_ADD_HEADER = "YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @TempDir
    static Path dir;
    static RspamdServer rspamd;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        rspamd = RspamdServer.start(dir, false);
        server = new TestServer("[antispam]\nsender_checks = false\n[[milter]]\naddress = \"" + rspamd.milterAddress()
                + "\"\ntimeout = \"10s\"\non_failure = \"tempfail\"\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (rspamd != null) rspamd.close();
    }

    private static String send(String to, String body) throws Exception {
        return Mail.sendOverPort25(server, "mx.sender.example", "alice@sender.example", to,
                "From: Alice <alice@sender.example>\r\nTo: " + to + "\r\nSubject: lunch\r\n"
                        + "Message-ID: <" + System.nanoTime() + "@sender.example>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n"
                        + body + "\r\n");
    }

    private static long count(String user, boolean junk) {
        var account = server.account(user);
        return server.server().store().read(account.id(), tx -> {
            Mailbox m = junk ? tx.mailboxWithUse(SpecialUse.JUNK).orElseThrow() : tx.mailbox(Mailbox.INBOX).orElseThrow();
            return tx.status(m.id()).messages();
        });
    }

    @Test
    @Order(1)
    void gtubeLandsInJunkACleanMessageInInbox() throws Exception {
        String user = server.newUser("filtered");
        assertTrue(send(user, "Hello,\r\n" + GTUBE + "\r\nbye").startsWith("250 "));
        assertTrue(send(user, "Shall we have lunch on Friday?").startsWith("250 "));
        assertEquals(1L, count(user, true), "GTUBE in Junk");
        assertEquals(1L, count(user, false), "the clean one in INBOX");
        assertTrue(server.inbox(user).getFirst().contains("Shall we have lunch"));
    }

    @Test
    @Order(2)
    void theSpamHeaderRspamdAddsIsKeptAndFilesInJunk() throws Exception {
        String user = server.newUser("marked");
        assertTrue(send(user, "Hello,\r\n" + GTUBE_ADD_HEADER + "\r\nbye").startsWith("250 "));
        assertEquals(1L, count(user, true));
        String stored = server.server().store().read(server.account(user).id(), tx -> {
            Mailbox junk = tx.mailboxWithUse(SpecialUse.JUNK).orElseThrow();
            return tx.messages(junk.id(), 1, Long.MAX_VALUE, 1).getFirst().blob();
        }).value();
        try (var in = server.server().store().blobs().open(new dev.letterbox.store.BlobId(stored))) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("\r\nX-Spam: Yes\r\n"), text);
            assertTrue(text.endsWith(GTUBE_ADD_HEADER + "\r\nbye\r\n"), "the body as sent: " + text);
        }
    }

    @Test
    @Order(3)
    void withTheFilterDownTheSenderIsToldToRetryAndNothingIsStored() throws Exception {
        String user = server.newUser("unfiltered");
        rspamd.stopRspamd();
        String reply = send(user, "Hello again");
        assertTrue(reply.startsWith("451 4.7.1 "), reply);
        assertEquals(0L, count(user, false));
        assertEquals(0L, count(user, true));
    }
}
