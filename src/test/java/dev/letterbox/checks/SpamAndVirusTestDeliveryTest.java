package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.FakeClamd;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.RspamdServer;
import dev.letterbox.testing.TestServer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sieve's virustest and spamtest (RFC 3685) fed by what Debian's real rspamd, spoken to as a milter,
 * reports: its antivirus module asks a ClamAV daemon ({@link FakeClamd}, which "finds" a marker
 * string) and the milter answer lists the symbols it hit. A script files each message by the
 * virus level it sees: 5 for the infected one, 1 for the clean one, 0 when the scan failed; with no
 * scanner at all it sees 0 ({@code SieveDeliveryTest}). GTUBE, which rspamd quarantines, is spam
 * level 10 to spamtest.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpamAndVirusTestDeliveryTest {
    /** Files by level; RFC 3685 §4.1 compares as numbers ("i;ascii-numeric"). */
    static final String SCRIPT = """
            require ["virustest", "relational", "comparator-i;ascii-numeric", "fileinto", "mailbox"];
            if virustest :value "eq" :comparator "i;ascii-numeric" "5" { fileinto :create "Infected"; }
            elsif virustest :value "eq" :comparator "i;ascii-numeric" "1" { fileinto :create "Clean"; }
            elsif virustest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto :create "Untested"; }
            """;

    @TempDir
    static Path dir;
    static FakeClamd clamd;
    static RspamdServer rspamd;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        clamd = new FakeClamd();
        rspamd = RspamdServer.startWithAntivirus(dir, clamd.port());
        server = new TestServer("[antispam]\nsender_checks = false\n[[milter]]\naddress = \"" + rspamd.milterAddress()
                + "\"\ntimeout = \"20s\"\n");
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (rspamd != null) rspamd.close();
        if (clamd != null) clamd.close();
    }

    static String userWithScript() {
        String user = server.newUser("scanned");
        long account = server.account(user).id();
        server.server().store().sieveScripts().put(account, "main", SCRIPT, 10);
        server.server().store().sieveScripts().setActive(account, Optional.of("main"));
        return user;
    }

    static void send(String to, String body) throws Exception {
        String reply = Mail.sendOverPort25(server, "mx.sender.example", "alice@sender.example", to,
                "From: Alice <alice@sender.example>\r\nTo: " + to + "\r\nSubject: the file\r\n"
                        + "Message-ID: <" + System.nanoTime() + "@sender.example>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                        // a sender cannot pass as scanned and clean by writing rspamd's field itself
                        + "X-Spamd-Result: default: False [0.00 / 15.00]\r\n\r\n"
                        + body + "\r\n");
        assertTrue(reply != null && reply.startsWith("250 "), "DATA answered " + reply);
    }

    static long count(String user, String mailbox) {
        return server.server().store().read(server.account(user).id(),
                tx -> tx.mailbox(mailbox).map(m -> tx.status(m.id()).messages()).orElse(0L));
    }

    @Test
    void anInfectedMessageIsSeenAsFive() throws Exception {
        String user = userWithScript();
        send(user, "here it is:\r\n" + FakeClamd.MARKER);
        assertEquals(1, count(user, "Infected"), rspamd.logTail());
        assertEquals(0, count(user, "INBOX"));
    }

    @Test
    void aCleanMessageIsSeenAsOne() throws Exception {
        String user = userWithScript();
        send(user, "nothing to see here");
        assertEquals(1, count(user, "Clean"), rspamd.logTail());
        assertEquals(0, count(user, "Infected") + count(user, "Untested") + count(user, "INBOX"));
    }

    @Test
    void whatRspamdQuarantinesIsSpamLevelTenAndTheRestOne() throws Exception {
        String user = server.newUser("spamtest");
        long account = server.account(user).id();
        server.server().store().sieveScripts().put(account, "main", """
                require ["spamtest", "relational", "comparator-i;ascii-numeric", "fileinto", "mailbox"];
                if spamtest :value "eq" :comparator "i;ascii-numeric" "10" { fileinto :create "Spam10"; }
                elsif spamtest :value "eq" :comparator "i;ascii-numeric" "1" { fileinto :create "Spam1"; }
                """, 10);
        server.server().store().sieveScripts().setActive(account, Optional.of("main"));
        send(user, "Hello,\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\nbye");
        send(user, "Shall we meet at noon for lunch?");
        assertEquals(1, count(user, "Spam10"), rspamd.logTail());
        assertEquals(1, count(user, "Spam1"));
    }

    /** Last: it stops the scanner. rspamd then reports CLAM_VIRUS_FAIL, and RFC 3685 says 0, not "clean". */
    @Test
    @Order(Integer.MAX_VALUE)
    void whenTheScannerFailsTheMessageIsNotTested() throws Exception {
        String user = userWithScript();
        clamd.close();
        send(user, "while the scanner was away");
        assertEquals(1, count(user, "Untested"), rspamd.logTail());
    }
}
