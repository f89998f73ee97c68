package dev.letterbox.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.RspamdServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The milter client against Debian's real rspamd (proxy worker in milter mode), over TCP and a Unix socket. */
class MilterRspamdTest {
    /** The standard GTUBE string: rspamd's "reject" action, which our rspamd config turns into a quarantine. */
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    /** rspamd's test pattern for its "add header" action (options.enable_test_patterns). */
    static final String GTUBE_ADD_HEADER = "YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @TempDir
    static Path dir;
    static RspamdServer rspamd;

    @BeforeAll
    static void start() throws Exception {
        rspamd = RspamdServer.start(dir, false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rspamd != null) rspamd.close();
    }

    static MilterEnvelope envelope() throws Exception {
        return MilterEnvelope.builder("alice@sender.example", List.of("bob@letterbox.test"))
                .client(InetAddress.getByName("192.0.2.10"), 40123, "mail.sender.example")
                .server(InetAddress.getLoopbackAddress(), "mx.letterbox.test", "smtp")
                .helo("mail.sender.example")
                .mailParameters(List.of("SIZE=500", "BODY=8BITMIME"))
                .queueId("Q1234")
                .build();
    }

    static byte[] message(String body) {
        return ("From: Alice <alice@sender.example>\r\n"
                + "To: Bob <bob@letterbox.test>\r\n"
                + "Subject: lunch\r\n"
                + "Message-ID: <m1@sender.example>\r\n"
                + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                + "\r\n"
                + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static MilterVerdict check(String address, byte[] message) throws Exception {
        return new MilterClient(address, Duration.ofSeconds(20)).check(envelope(), new ByteArrayInputStream(message));
    }

    @Test
    void gtubeIsQuarantinedAndCountsAsSpam() throws Exception {
        MilterVerdict verdict = check(rspamd.milterAddress(), message("Hello,\r\n" + GTUBE + "\r\nbye"));
        var quarantine = assertInstanceOf(MilterVerdict.Quarantine.class, verdict, rspamd::logTail);
        assertFalse(quarantine.reason().isBlank());
        assertTrue(verdict.markedAsSpam(null));
        assertTrue(verdict.markedAsSpam(SpamHeader.RSPAMD));
    }

    @Test
    void addHeaderActionSetsXSpamWhichCountsAsSpam() throws Exception {
        MilterVerdict verdict = check(rspamd.milterAddress(), message("Hello,\r\n" + GTUBE_ADD_HEADER + "\r\nbye"));
        var accept = assertInstanceOf(MilterVerdict.Accept.class, verdict, rspamd::logTail);
        assertTrue(accept.changes().headers().contains(new HeaderChange.Change(1, "X-Spam", "Yes")), accept.toString());
        assertTrue(verdict.markedAsSpam(SpamHeader.RSPAMD));
        assertFalse(verdict.markedAsSpam(new SpamHeader("X-Spam-Flag", "YES")));
        byte[] edited = HeaderEditor.rewrite(message("hi"), verdict.headerChanges());
        assertTrue(new String(edited, StandardCharsets.UTF_8).contains("\r\nX-Spam: Yes\r\n\r\nhi\r\n"));
    }

    @Test
    void cleanMessageIsAcceptedAndNotSpam() throws Exception {
        MilterVerdict verdict = check(rspamd.milterAddress(), message("Shall we meet at noon for lunch?\r\n-- \r\nAlice"));
        assertInstanceOf(MilterVerdict.Accept.class, verdict, rspamd::logTail);
        assertFalse(verdict.markedAsSpam(SpamHeader.RSPAMD));
    }

    @Test
    void unixSocketWorksLikeTcp() throws Exception {
        MilterVerdict verdict = check(rspamd.milterSocketAddress(), message("Hello,\r\n" + GTUBE + "\r\nbye"));
        assertInstanceOf(MilterVerdict.Quarantine.class, verdict, rspamd::logTail);
        assertInstanceOf(MilterVerdict.Accept.class, check(rspamd.milterSocketAddress(), message("lunch?")));
    }

    @Test
    void bodyLargerThanOneChunkIsScannedWhole() throws Exception {
        // GTUBE after 200 KB of text: it is only found if every 64 KiB chunk reached rspamd in order.
        // (rspamd looks for GTUBE in small text parts only, so the big text goes in its own part.)
        String big = "lorem ipsum dolor sit amet ".repeat(8000);
        String body = "--b\r\nContent-Type: text/plain\r\n\r\n" + big + "\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\n" + GTUBE + "\r\n--b--";
        byte[] msg = ("From: a@sender.example\r\nTo: bob@letterbox.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertTrue(msg.length > 3 * MilterProtocol.MAX_BODY_CHUNK);
        assertInstanceOf(MilterVerdict.Quarantine.class, check(rspamd.milterAddress(), msg), rspamd::logTail);
    }

    @Test
    void stoppedRspamdIsAFailureForTheDefaultActionToDecide(@TempDir Path own) throws Exception {
        try (RspamdServer mine = RspamdServer.start(own, false)) {
            byte[] gtube = message(GTUBE);
            assertInstanceOf(MilterVerdict.Quarantine.class, check(mine.milterAddress(), gtube), mine::logTail);
            mine.stopRspamd();
            var tcp = assertInstanceOf(MilterVerdict.Failed.class, check(mine.milterAddress(), gtube));
            assertTrue(tcp.reason().startsWith("cannot connect"), tcp.reason());
            assertInstanceOf(MilterVerdict.Failed.class, check(mine.milterSocketAddress(), gtube));
        }
    }
}
