package dev.letterbox.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKey;
import dev.letterbox.dkim.DkimKeyStore;
import dev.letterbox.dkim.DkimSigner;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mail from the Internet over a real port-25 session, its sender checked against a loopback DNS
 * server: one Authentication-Results field at the top with iprev, spf, dkim and arc, a Received-SPF
 * field, a body changed after signing failing DKIM, and DNS trouble costing at most the DNS timeout
 * and never a refusal. The loopback client is checked like any other (no trusted networks).
 */
@Timeout(60)
class SenderAuthenticationTest {
    static TestDnsServer dns;
    static TestServer server;
    static DkimKey key;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        dns.ptr("127.0.0.1", "client.example.org").a("client.example.org", "127.0.0.1");
        dns.txt("example.org", "v=spf1 ip4:127.0.0.0/8 -all");
        dns.txt("forged.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.silent("slow.example");
        dns.txt("_dmarc.example.org", "v=DMARC1; p=reject");
        dns.txt("strict.example", "v=spf1 -all").txt("_dmarc.strict.example", "v=DMARC1; p=reject; rua=mailto:dmarc@strict.example");
        dns.txt("careful.example", "v=spf1 -all").txt("_dmarc.careful.example", "v=DMARC1; p=quarantine");
        dns.txt("example.test", "v=spf1 -all").txt("_dmarc.example.test", "v=DMARC1; p=reject"); // our own domain
        dns.silent("_dmarc.flaky.example");
        Path keys = Files.createTempDirectory("letterbox-dkim-test");
        key = new DkimKeyStore(keys).generate("example.org", "sel", DkimAlgorithm.ED25519_SHA256);
        dns.txt(key.recordName(), key.recordValue());
        server = new TestServer("[dns]\nservers = [\"" + dns.address() + "\"]\ntimeout = \"1s\"\n[antispam]\nfcrdns = \"record\"\n");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop();
        if (dns != null) dns.close();
    }

    /** Sends over port 25 from 127.0.0.1; the reply to the message. */
    private static String send(String from, String to, String message) throws Exception {
        return Mail.sendOverPort25(server, from, to, message);
    }

    private static String signed(String message) throws Exception {
        List<String> signatures = DkimSigner.sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
                List.of(key), Instant.now());
        return String.join("", signatures) + message;
    }

    @Test
    void aSignedMessageFromAnAuthorisedClientPassesEverything() throws Exception {
        String user = server.newUser("checked");
        String message = signed("From: Alice <alice@example.org>\r\nTo: " + user + "\r\nSubject: hello\r\n\r\nhi there\r\n");
        assertTrue(send("alice@example.org", user, message).startsWith("250 "));
        String stored = server.inbox(user).getFirst();
        String top = stored.substring(0, stored.indexOf("Received: from"));
        assertTrue(top.startsWith("Return-Path: <alice@example.org>\r\nAuthentication-Results: " + server.hostname() + ";\r\n"
                + "\tiprev=pass policy.iprev=127.0.0.1 (client.example.org);\r\n"
                + "\tspf=pass smtp.mailfrom=example.org;\r\n"
                + "\tdkim=pass header.d=example.org header.i=@example.org header.s=sel header.a=ed25519-sha256 header.b="), top);
        assertTrue(top.contains(";\r\n\tdmarc=pass (p=reject dis=none) header.from=example.org;\r\n\tarc=none\r\nReceived-SPF: pass "), top);
        assertEquals(1, top.split("Authentication-Results:", -1).length - 1, "one field: " + top);
        assertTrue(stored.endsWith(message), "the client's bytes as sent");
    }

    @Test
    void aBodyChangedAfterSigningFailsDkim() throws Exception {
        String user = server.newUser("tampered");
        String message = signed("From: alice@example.org\r\nSubject: pay\r\n\r\npay 10 EUR\r\n").replace("10 EUR", "9999 EUR");
        assertTrue(send("alice@example.org", user, message).startsWith("250 "));
        String stored = server.inbox(user).getFirst();
        assertTrue(stored.contains("\tdkim=fail (") && stored.contains("header.d=example.org"), stored);
    }

    @Test
    void anSpfFailAloneDoesNotRefuseTheMessage() throws Exception {
        String user = server.newUser("spffail");
        assertTrue(send("ceo@forged.example", user, "From: ceo@forged.example\r\n\r\nwire money\r\n").startsWith("250 "));
        String stored = server.inbox(user).getFirst();
        assertTrue(stored.contains("\tspf=fail smtp.mailfrom=forged.example;\r\n\tdkim=none;\r\n"), stored);
        assertTrue(stored.contains("Received-SPF: fail "), stored);
    }

    @Test
    void aDomainThatAsksForRejectionHasForgedMailRefused() throws Exception {
        String user = server.newUser("protected");
        String reply = send("ceo@strict.example", user, "From: CEO <ceo@strict.example>\r\nSubject: wire\r\n\r\nmoney\r\n");
        assertTrue(reply.startsWith("550 5.7.26 "), reply);
        assertTrue(server.inbox(user).isEmpty());
    }

    @Test
    void forgedMailFromOurOwnDomainIsJudgedTheSame() throws Exception {
        String user = server.newUser("insider");
        String reply = send("boss@" + server.domain(), user, "From: Boss <boss@" + server.domain() + ">\r\n\r\nurgent\r\n");
        assertTrue(reply.startsWith("550 5.7.26 "), reply);
    }

    @Test
    void aDomainThatAsksForQuarantineHasForgedMailFiledInJunk() throws Exception {
        String user = server.newUser("quarantined");
        assertTrue(send("info@careful.example", user, "From: info@careful.example\r\n\r\noffer\r\n").startsWith("250 "));
        assertTrue(server.inbox(user).isEmpty(), "not in INBOX");
        long junk = server.server().store().read(server.account(user).id(), tx ->
                tx.status(tx.mailboxWithUse(dev.letterbox.store.SpecialUse.JUNK).orElseThrow().id()).messages());
        assertEquals(1L, junk);
    }

    @Test
    void aDmarcLookupThatFailsIsATemperrorAndTheMessageIsTaken() throws Exception {
        String user = server.newUser("flaky");
        assertTrue(send("a@example.org", user, "From: someone@flaky.example\r\n\r\nhi\r\n").startsWith("250 "));
        assertTrue(server.inbox(user).getFirst().contains("\tdmarc=temperror"), server.inbox(user).getFirst());
    }

    @Test
    void aDnsServerThatNeverAnswersCostsAtMostTheTimeoutAndIsATemperror() throws Exception {
        String user = server.newUser("slowdns");
        long started = System.nanoTime();
        String reply = send("someone@slow.example", user, "From: someone@slow.example\r\n\r\nhello\r\n");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(reply.startsWith("250 "), "a DNS failure never refuses: " + reply);
        assertTrue(millis < 4_000, "took " + millis + " ms with a 1 s DNS timeout");
        assertTrue(server.inbox(user).getFirst().contains("\tspf=temperror smtp.mailfrom=slow.example;"));
    }
}
