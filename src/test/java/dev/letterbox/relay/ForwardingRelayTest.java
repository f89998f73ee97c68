package dev.letterbox.relay;

import static dev.letterbox.testing.Mail.awaitInbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.store.Protocol;
import dev.letterbox.testing.Dsn;
import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forwarding between two real servers on loopback, routed by the test's own DNS. The original
 * sender's domain, origin.test, lets only 127.0.0.2 send for it (SPF {@code -all}); its mail comes
 * from there to server A (example.test), whose alias forwards it to bob at server B (other.test,
 * which also hosts origin.test). A sends from 127.0.0.1: B's SPF check of the original sender
 * would fail, so A must rewrite the sender (SRS, at A's host name mail.example.test, whose SPF lets
 * 127.0.0.1 send) and seal what it forwards (ARC). Both servers check mail from the Internet.
 */
@Timeout(120)
class ForwardingRelayTest {
    static final AtomicInteger SEQ = new AtomicInteger();
    static TestDnsServer dns;
    static TestServer a;
    static TestServer b;
    static DkimKey sealing;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        String checks = "[antispam]\nfcrdns = \"record\"\n"; // its own section: loopback is not trusted, every check runs
        String resolver = "[dns]\nservers = [\"" + dns.address() + "\"]\ntimeout = \"2s\"\n";
        b = new TestServer("other.test", resolver + checks);
        b.start();
        a = new TestServer("example.test", resolver + checks
                + "[delivery]\nremote_port = " + b.port("smtp") + "\nretry_intervals = [\"1s\"]\n");
        a.start();
        b.server().directory().addDomain("origin.test");
        dns.mx("other.test", 10, "mail.other.test").mx("origin.test", 10, "mail.other.test").a("mail.other.test", "127.0.0.1");
        dns.txt("origin.test", "v=spf1 ip4:127.0.0.2 -all");
        dns.txt("mail.example.test", "v=spf1 ip4:127.0.0.1 -all");
        dns.ptr("127.0.0.1", "mail.example.test").a("mail.example.test", "127.0.0.1");
        sealing = new DkimKeyStore(a.dataDir()).generate("example.test", "arc1", DkimAlgorithm.RSA_SHA256);
        dns.txtLong(sealing.recordName(), sealing.recordValue());
    }

    @AfterAll
    static void stop() {
        if (a != null) a.stop();
        if (b != null) b.stop();
        if (dns != null) dns.close();
    }

    /** A mailbox at origin.test on B: the original sender, who gets the bounces. */
    static String originalSender() {
        String address = "alice" + SEQ.incrementAndGet() + "@origin.test";
        b.server().directory().addAccount(address, TestServer.PASSWORD.toCharArray(), 0, Protocol.all());
        return address;
    }

    /** origin.test's own server (127.0.0.2) sends a message to A. */
    static void sendToA(String from, String to, String subject) throws IOException {
        try (LineClient c = a.connectFrom("127.0.0.2", "smtp", false)) {
            c.expectPrefix("220 ");
            c.send("EHLO mail.origin.test");
            ehloDone(c);
            c.send("MAIL FROM:<" + from + ">");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + to + ">");
            c.expectPrefix("250 ");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: Tue, 10 Mar 2026 12:00:00 +0000\r\n"
                    + "Message-ID: <" + subject.replace(' ', '-') + "@origin.test>\r\n\r\n" + subject + " body\r\n.\r\n");
            c.expectPrefix("250 ");
        }
    }

    /** Reads the EHLO reply to its last line. */
    static void ehloDone(LineClient c) throws IOException {
        String line;
        do {
            line = c.readLine();
        } while (line != null && !line.startsWith("250 "));
    }

    static String field(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": ((?:.*)(?:\r\n[ \t].*)*)").matcher(message);
        assertTrue(m.find(), "no " + name + " in " + message);
        return m.group(1);
    }

    @Test
    void aForwardedMessageArrivesWithAnSrsSenderWhoseSpfPassesAndAnArcSetThatValidates() throws Exception {
        String alice = originalSender();
        String bob = b.newUser("bob");
        String alias = "fwd" + SEQ.incrementAndGet() + "@example.test";
        a.server().directory().addAlias(alias, bob);
        sendToA(alice, alias, "forward me");

        String got = awaitInbox(b, bob, 1).getFirst();
        String returnPath = field(got, "Return-Path");
        String local = alice.substring(0, alice.indexOf('@'));
        assertTrue(returnPath.matches("<SRS0=[A-Z2-7]{6}=[A-Z2-7]{2}=origin\\.test=" + local + "@mail\\.example\\.test>"), returnPath);
        String results = field(got, "Authentication-Results");
        assertTrue(results.startsWith("mail.other.test;"), "B's own verdict on top: " + results);
        assertTrue(results.contains("spf=pass smtp.mailfrom=mail.example.test"), "SPF checked A's domain and passed: " + results);
        assertTrue(results.contains("arc=pass (i=1;"), "B validated A's seal: " + results);
        assertTrue(field(got, "ARC-Seal").startsWith("i=1; a=rsa-sha256;"), got);
        assertTrue(field(got, "ARC-Seal").contains("d=example.test; s=arc1;"), got);
        assertTrue(field(got, "ARC-Authentication-Results").contains("spf=pass smtp.mailfrom=origin.test"),
                "A's verdict on the original sender travels in the seal: " + got);
        assertEquals(alias, field(got, "Delivered-To"));
        assertTrue(got.endsWith("\r\n\r\nforward me body\r\n"), got);
    }

    @Test
    void aSieveRedirectArrivesWithAnSrsSenderAndAnArcSetThatValidates() throws Exception {
        String alice = originalSender();
        String bob = b.newUser("bob");
        String carol = a.newUser("carol");
        long account = a.account(carol).id();
        a.server().store().sieveScripts().put(account, "away", "redirect \"" + bob + "\";\n", 10);
        a.server().store().sieveScripts().setActive(account, java.util.Optional.of("away"));
        sendToA(alice, carol, "redirect me");

        String got = awaitInbox(b, bob, 1).getFirst();
        assertTrue(a.inbox(carol).isEmpty(), "redirect without :copy keeps nothing at A");
        String local = alice.substring(0, alice.indexOf('@'));
        assertTrue(field(got, "Return-Path").matches("<SRS0=[A-Z2-7]{6}=[A-Z2-7]{2}=origin\\.test=" + local + "@mail\\.example\\.test>"),
                got);
        String results = field(got, "Authentication-Results");
        assertTrue(results.contains("spf=pass smtp.mailfrom=mail.example.test"), results);
        assertTrue(results.contains("arc=pass (i=1;"), "B validated the seal A put on the redirect: " + results);
        assertTrue(field(got, "ARC-Seal").startsWith("i=1; a=rsa-sha256;"), got);
        assertTrue(field(got, "ARC-Seal").contains("cv=none"), got);
        assertTrue(field(got, "ARC-Message-Signature").startsWith("i=1; a=rsa-sha256;"), got);
        assertTrue(field(got, "ARC-Message-Signature").contains("d=example.test; s=arc1;"), got);
        assertTrue(field(got, "ARC-Authentication-Results").startsWith("i=1; mail.example.test;"), got);
        assertTrue(field(got, "ARC-Authentication-Results").contains("spf=pass smtp.mailfrom=origin.test"), got);
        assertEquals(carol, field(got, "Delivered-To"));
        assertTrue(got.endsWith("\r\n\r\nredirect me body\r\n"), got);
    }

    @Test
    void aBounceFromBToTheSrsAddressReachesTheOriginalSender() throws Exception {
        String alice = originalSender();
        String bob = b.newUser("bob");
        String alias = "fwd" + SEQ.incrementAndGet() + "@example.test";
        a.server().directory().addAlias(alias, bob);
        sendToA(alice, alias, "answer me");
        String srs = field(awaitInbox(b, bob, 1).getFirst(), "Return-Path").replaceAll("[<>]", "");

        // B's mailer sends a bounce to the envelope sender it got, as any server would: to A, from <>
        try (LineClient c = a.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO mail.other.test");
            ehloDone(c);
            c.send("MAIL FROM:<>");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<" + srs.toLowerCase(java.util.Locale.ROOT) + ">"); // its case changed on the way
            c.expectPrefix("250 2.1.5");
            c.send("DATA");
            c.expectPrefix("354 ");
            c.sendRaw("From: MAILER-DAEMON@mail.other.test\r\nTo: " + srs + "\r\nSubject: Undeliverable: answer me\r\n\r\n"
                    + "could not deliver\r\n.\r\n");
            c.expectPrefix("250 ");
        }
        String bounce = awaitInbox(b, alice, 1).getFirst();
        assertEquals("<>", field(bounce, "Return-Path"), "still a bounce, so it cannot loop");
        assertTrue(bounce.contains("Subject: Undeliverable: answer me\r\n"), bounce);
    }

    @Test
    void aFailedForwardBouncesFromAStraightToTheOriginalSender() throws Exception {
        String alice = originalSender();
        String alias = "fwd" + SEQ.incrementAndGet() + "@example.test";
        a.server().directory().addAlias(alias, "nobody-here@other.test");
        sendToA(alice, alias, "to nobody");
        // B refuses nobody-here (550 5.1.1); A's report goes to the sender its SRS address encodes
        Dsn dsn = Dsn.parse(awaitInbox(b, alice, 1).getFirst());
        assertEquals("Undelivered Mail Returned to Sender", dsn.subject());
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; nobody-here@other.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"),
                dsn.status());
    }

    @Test
    void aForgedSrsAddressIsRefusedAtA() throws Exception {
        try (LineClient c = a.connect("smtp")) {
            c.expectPrefix("220 ");
            c.send("EHLO mail.other.test");
            ehloDone(c);
            c.send("MAIL FROM:<>");
            c.expectPrefix("250 ");
            c.send("RCPT TO:<SRS0=ABCDEF=AA=victim.test=someone@mail.example.test>");
            c.expectPrefix("550 5.7.1 ");
        }
    }
}
