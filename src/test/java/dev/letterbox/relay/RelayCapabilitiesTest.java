package dev.letterbox.relay;

import static dev.letterbox.testing.Mail.awaitGone;
import static dev.letterbox.testing.Mail.awaitInbox;
import static dev.letterbox.testing.Mail.awaitRecipient;
import static dev.letterbox.testing.Mail.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Dsn;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.ScriptedSmtpServer;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against servers that lack what a message needs, or that refuse for a while: a small
 * scripted SMTP server offers exactly the extensions each test sets, and records what it was sent.
 * The sender here retries every second, warns about delays after 1 s, gives up after 4 s, and has
 * at most two deliveries to one domain at a time.
 */
class RelayCapabilitiesTest {
    static TestDnsServer dns;
    static ScriptedSmtpServer remote;
    static TestServer sender;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        remote = new ScriptedSmtpServer();
        dns.mx("scripted.test", 10, "mx.scripted.test").a("mx.scripted.test", "127.0.0.1");
        // the first MX has an address where nothing listens: the second one must be tried
        dns.mx("fallback.test", 10, "dead.fallback.test").a("dead.fallback.test", "127.0.0.2")
                .mx("fallback.test", 20, "mx.scripted.test");
        dns.a("implicit.test", "127.0.0.1"); // no MX: the domain's own address (RFC 5321 §5.1)
        dns.servfail("broken-dns.test");
        sender = new TestServer("example.test", "[dns]\nservers = [\"" + dns.address() + "\"]\n"
                + "[delivery]\nremote_port = " + remote.port() + "\nretry_intervals = [\"1s\"]\nexpire = \"4s\"\n"
                + "delay_warning = \"1s\"\nmax_per_domain = 2\n");
        sender.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sender != null) sender.stop();
        if (remote != null) remote.close();
        if (dns != null) dns.close();
    }

    @BeforeEach
    void ordinaryServer() {
        remote.extensions("PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "SIZE 1000000").rcptReply(line -> "250 2.1.5 ok")
                .dataDelay(0);
    }

    private static ScriptedSmtpServer.Received receivedFor(String rcpt) {
        return Eventually.await(Duration.ofSeconds(30), "a message for " + rcpt, () -> remote.received().stream()
                .filter(r -> r.rcpts().stream().anyMatch(l -> l.contains("<" + rcpt + ">"))).findFirst());
    }

    @Test
    void dsnRequestsArePassedOnToAServerThatOffersDsn() throws Exception {
        remote.extensions("PIPELINING", "8BITMIME", "DSN", "SIZE 1000000");
        String alice = sender.newUser("alice");
        String to = "dsn-" + alice.substring(0, alice.indexOf('@')) + "@scripted.test";
        String message = Mail.message(alice, to, "dsn passed on");
        var env = new SmtpClient.Envelope(alice, "RET=HDRS ENVID=abc+2B1",
                List.of(new SmtpClient.Rcpt(to, "NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Original+40example.org")));
        long id = submit(sender, alice, env, message);
        ScriptedSmtpServer.Received got = receivedFor(to);
        awaitGone(sender, id);
        assertTrue(got.mail().matches("MAIL FROM:<" + alice + "> SIZE=\\d+ RET=HDRS ENVID=abc\\+2B1"), got.mail());
        // '@' is plain xtext (RFC 3461 §4): the client sent "+40", we send it as '@', both mean the same
        assertEquals(List.of("RCPT TO:<" + to + "> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Original@example.org"), got.rcpts());
        assertTrue(got.data().startsWith("Received: from client.example.org") && got.data().endsWith(message), got.data());
        assertTrue(sender.inbox(alice).isEmpty(), "the next hop reports success, not us");
    }

    @Test
    void successToAServerWithoutDsnIsReportedAsRelayed() throws Exception {
        String alice = sender.newUser("alice");
        String to = "relayed@scripted.test";
        var env = new SmtpClient.Envelope(alice, "ENVID=e1", List.of(new SmtpClient.Rcpt(to, "NOTIFY=SUCCESS")));
        long id = submit(sender, alice, env, Mail.message(alice, to, "tell me"));
        Dsn dsn = Dsn.parse(awaitInbox(sender, alice, 1).getFirst());
        assertEquals("Successful Mail Delivery Report", dsn.subject());
        assertTrue(dsn.status().contains("Original-Envelope-Id: e1\r\n"), dsn.status());
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; " + to + "\r\nAction: relayed\r\nStatus: 2.0.0\r\n"
                + "Remote-MTA: dns; mx.scripted.test\r\n"), dsn.status());
        awaitGone(sender, id);
        String mailLine = remote.received().stream().filter(r -> r.mail().contains(alice)).findFirst().orElseThrow().mail();
        assertEquals("MAIL FROM:<" + alice + "> SIZE=" + mailLine.replaceAll(".*SIZE=(\\d+).*", "$1"), mailLine,
                "no DSN parameters to a server that did not offer DSN");
    }

    @Test
    void aUtf8MessageToAServerWithoutSmtputf8BouncesWithAClearReason() throws Exception {
        String alice = sender.newUser("alice");
        String to = "utf8@scripted.test";
        var env = new SmtpClient.Envelope(alice, "SMTPUTF8 BODY=8BITMIME", List.of(to), "");
        long id = submit(sender, alice, env, "From: <" + alice + ">\r\nTo: Jürgen <" + to + ">\r\nSubject: Grüße\r\n\r\nHallo\r\n");
        Dsn dsn = Dsn.parse(awaitInbox(sender, alice, 1).getFirst());
        assertTrue(dsn.global(), "RFC 6533 report for an SMTPUTF8 message");
        assertTrue(dsn.status().contains("Action: failed\r\nStatus: 5.6.7\r\n"), dsn.status());
        assertTrue(dsn.returned().contains("Subject: Grüße\r\n"), dsn.returned());
        assertTrue(dsn.human().contains("does not support SMTPUTF8"), dsn.human());
        awaitGone(sender, id);
        assertTrue(remote.commands().stream().noneMatch(c -> c.contains(alice)), "nothing was sent: " + remote.commands());
    }

    @Test
    void anEightBitMessageToAServerWithout8bitmimeBounces() throws Exception {
        remote.extensions("PIPELINING");
        String alice = sender.newUser("alice");
        var env = new SmtpClient.Envelope(alice, "BODY=8BITMIME", List.of("eight@scripted.test"), "");
        submit(sender, alice, env, "From: <" + alice + ">\r\nSubject: bits\r\n\r\nGrüße\r\n");
        Dsn dsn = Dsn.parse(awaitInbox(sender, alice, 1).getFirst());
        assertTrue(dsn.status().contains("Action: failed\r\nStatus: 5.6.3\r\n"), dsn.status());
    }

    @Test
    void aMessageLargerThanTheServerTakesBouncesBeforeItIsSent() throws Exception {
        remote.extensions("PIPELINING", "SIZE 100");
        String alice = sender.newUser("alice");
        long id = submit(sender, alice, "big@scripted.test", "too big for them");
        Dsn dsn = Dsn.parse(awaitInbox(sender, alice, 1).getFirst());
        assertTrue(dsn.status().contains("Action: failed\r\nStatus: 5.3.4\r\n"), dsn.status());
        assertTrue(dsn.human().contains("accepts (100)"), dsn.human());
        awaitGone(sender, id);
        assertTrue(remote.commands().stream().noneMatch(c -> c.contains(alice)), "nothing was sent");
    }

    @Test
    void noMoreThanMaxPerDomainDeliveriesRunAtOnceAndEachMessageIsOneTransaction() throws Exception {
        remote.dataDelay(300);
        String alice = sender.newUser("alice");
        List<String> to = List.of("p1@scripted.test", "p2@scripted.test", "p3@scripted.test");
        // six messages in one session, so they are queued within milliseconds of each other
        try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", sender.port("submissions"), sender.clientTls(), null,
                Duration.ofSeconds(10))) {
            c.greeting();
            c.ehlo("client.example.org");
            assertEquals(235, c.authPlain(alice, TestServer.PASSWORD).code());
            for (int i = 0; i < 6; i++) {
                byte[] m = Mail.message(alice, to.get(0), "parallel " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(c.send(new SmtpClient.Envelope(alice, "", to, ""), m).accepted());
            }
        }
        Eventually.until(Duration.ofSeconds(30), "six messages at the server",
                () -> remote.received().stream().filter(r -> r.mail().contains(alice)).count() == 6);
        List<ScriptedSmtpServer.Received> mine = remote.received().stream().filter(r -> r.mail().contains(alice)).toList();
        assertEquals(6, mine.size(), "one transaction per message");
        assertTrue(mine.stream().allMatch(r -> r.rcpts().size() == 3), "all three recipients of a domain in it");
        assertEquals(2, remote.mostConcurrentData(), "max_per_domain = 2 deliveries at a time, and they do overlap");
    }

    /** A message to a fresh address in {@code domain} reaches the scripted server and leaves the queue. */
    private static void deliveredThrough(String domain) throws Exception {
        String alice = sender.newUser("alice");
        String to = "someone-" + alice.substring(0, alice.indexOf('@')) + "@" + domain;
        long id = submit(sender, alice, to, "via " + domain);
        receivedFor(to);
        awaitGone(sender, id);
    }

    @Test
    void theNextMxIsTriedWhenTheFirstIsUnreachable() throws Exception {
        deliveredThrough("fallback.test");
    }

    @Test
    void aDomainWithoutMxIsReachedAtItsOwnAddress() throws Exception {
        deliveredThrough("implicit.test");
    }

    @Test
    void aDnsFailureDefersAndTheOperatorCanDeleteTheMessage() throws Exception {
        String alice = sender.newUser("alice");
        long id = submit(sender, alice, "x@broken-dns.test", "dns down");
        QueuedMessage.Recipient r = awaitRecipient(sender, id, "a deferral", x -> x.state() == QueuedMessage.State.DEFERRED);
        assertTrue(r.lastError().orElseThrow().startsWith("451 4.4.3 MX lookup for broken-dns.test failed"), r.lastError().get());
        assertTrue(sender.server().queue().remove(id, "test"));
        assertTrue(Mail.queued(sender, id).isEmpty());
    }

    @Test
    void aLongDeferralWarnsOnceAndBouncesAtExpiry() throws Exception {
        String alice = sender.newUser("alice");
        String to = "busy@scripted.test";
        remote.rcptReply(line -> line.contains("<" + to + ">") ? "451 4.3.2 busy, try later" : "250 2.1.5 ok");
        long id = submit(sender, alice, to, "patience");
        List<String> reports = awaitInbox(sender, alice, 2);
        awaitGone(sender, id);
        Dsn delay = Dsn.parse(reports.get(0));
        assertEquals("Delayed Mail (still being retried)", delay.subject());
        assertTrue(delay.status().contains("Action: delayed\r\nStatus: 4.3.2\r\nRemote-MTA: dns; mx.scripted.test\r\n"
                + "Diagnostic-Code: smtp; 451 4.3.2 busy, try later\r\n"), delay.status());
        assertTrue(delay.status().contains("Will-Retry-Until: "), delay.status());
        Dsn expired = Dsn.parse(reports.get(1));
        assertEquals("Undelivered Mail Returned to Sender", expired.subject());
        assertTrue(expired.status().contains("Action: failed\r\nStatus: 4.3.2\r\n"), expired.status());
        assertTrue(expired.status().contains("(given up after 4s)"), expired.status());
        assertEquals(2, sender.inbox(alice).size(), "one warning, one bounce");
    }
}
