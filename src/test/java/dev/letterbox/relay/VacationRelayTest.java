package dev.letterbox.relay;

import static dev.letterbox.testing.Mail.awaitInbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.testing.Eventually;
import dev.letterbox.testing.Mail;
import dev.letterbox.testing.TestDnsServer;
import dev.letterbox.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Vacation answers (RFC 5230, RFC 3834) between two real servers on loopback, routed by the test's
 * own DNS: alice at server A (example.test) writes to bob at server B (other.test), whose active
 * script answers with {@code vacation}; B's answer leaves through its queue and reaches alice's
 * INBOX at A. Each server delivers to the other, so A starts first, B starts pointed at A, and A
 * restarts on its ports pointed at B. Both check mail from the Internet (loopback is not trusted).
 *
 * <p>"No answer" is never judged by waiting a while: a later message that must be answered is
 * sent after the ones that must not, and the one answer alice gets has to be to that one (an
 * answer to an earlier message would have used up the period and left the later one unanswered).
 */
@Timeout(180)
class VacationRelayTest {
    static final String SCRIPT = """
            require "vacation";
            vacation :days 7 :subject "Out of office" "I am away until Monday.";
            """;
    static TestDnsServer dns;
    static TestServer a;
    static TestServer b;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
        String checks = "[antispam]\nfcrdns = \"record\"\n";
        String resolver = "[dns]\nservers = [\"" + dns.address() + "\"]\ntimeout = \"2s\"\n";
        a = new TestServer("example.test", resolver + checks).samePortsOnRestart(); // holds its queue until it knows B
        a.start();
        b = new TestServer("other.test", resolver + checks + deliveryTo(a.port("smtp")));
        b.start();
        a.stopKeepingData();
        a.reconfigure(resolver + checks + deliveryTo(b.port("smtp")));
        a.start();
        dns.mx("example.test", 10, "mail.example.test").mx("other.test", 10, "mail.other.test");
        dns.a("mail.example.test", "127.0.0.1").a("mail.other.test", "127.0.0.1").ptr("127.0.0.1", "mail.example.test");
        dns.txt("example.test", "v=spf1 ip4:127.0.0.0/8 -all");
    }

    static String deliveryTo(int port) {
        return "[delivery]\nremote_port = " + port + "\nretry_intervals = [\"1s\"]\n";
    }

    @AfterAll
    static void stop() {
        if (a != null) a.stop();
        if (b != null) b.stop();
        if (dns != null) dns.close();
    }

    /** A user at B whose active script answers with vacation. */
    static String awayAtB() {
        String bob = b.newUser("bob");
        long account = b.account(bob).id();
        b.server().store().sieveScripts().put(account, "away", SCRIPT, 10);
        b.server().store().sieveScripts().setActive(account, Optional.of("away"));
        return bob;
    }

    /** alice submits at A a message to bob at B, with {@code extraFields} (complete lines) in its header. */
    static void send(String alice, String bob, String subject, String extraFields) throws Exception {
        String message = Mail.message(alice, bob, subject).replaceFirst("\r\nMIME-Version:", "\r\n" + extraFields + "MIME-Version:");
        long id = Mail.submit(a, alice, SmtpClient.Envelope.of(alice, bob), message);
        Mail.awaitGone(a, id); // B has accepted it, and queued whatever answer it gives before saying so
    }

    /** alice's INBOX once B has nothing left queued for her: every answer B gave has arrived. */
    static List<String> answersSettled(String alice) throws Exception {
        Eventually.until(Duration.ofSeconds(60), "B to have nothing queued for " + alice, () -> b.server().store().queue()
                .list(0, 100_000).stream().noneMatch(q -> q.recipients().stream().anyMatch(r -> r.address().equals(alice))));
        return a.inbox(alice);
    }

    static String field(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": ((?:.*)(?:\r\n[ \t].*)*)").matcher(message);
        assertTrue(m.find(), "no " + name + " in " + message);
        return m.group(1);
    }

    @Test
    void theSenderGetsOneAnswerAndNoneForASecondMessageWithinTheDays() throws Exception {
        String alice = a.newUser("alice");
        String bob = awayAtB();
        send(alice, bob, "first question", "");
        String answer = awaitInbox(a, alice, 1).getFirst();
        assertEquals("<>", field(answer, "Return-Path"), "answers go out with a null sender (RFC 5230 §5.1)");
        assertTrue(field(answer, "Auto-Submitted").startsWith("auto-replied"), answer); // RFC 3834 §5: a comment may follow
        assertEquals("<first.question@test>", field(answer, "In-Reply-To"));
        assertEquals("Out of office", field(answer, "Subject"));
        assertTrue(field(answer, "From").contains(bob), answer);
        assertTrue(field(answer, "To").contains(alice), answer);
        assertTrue(answer.contains("I am away until Monday."), answer);

        send(alice, bob, "second question", "");
        assertEquals(2, awaitInbox(b, bob, 2).size(), "vacation keeps both messages");
        assertEquals(1, answersSettled(alice).size(), "one answer per sender within :days 7");
    }

    @Test
    void bulkMailGetsNoAnswer() throws Exception {
        String alice = a.newUser("alice");
        String bob = awayAtB();
        send(alice, bob, "weekly newsletter", "Precedence: bulk\r\n");
        send(alice, bob, "a real question", "");
        assertOnlyAnswerIsTo(alice, bob, "<a.real.question@test>");
    }

    @Test
    void listMailGetsNoAnswer() throws Exception {
        String alice = a.newUser("alice");
        String bob = awayAtB();
        send(alice, bob, "to the list", "List-Id: Team talk <team.example.test>\r\n");
        send(alice, bob, "a direct question", "");
        assertOnlyAnswerIsTo(alice, bob, "<a.direct.question@test>");
    }

    /** bob got both messages and alice exactly one answer, to {@code messageId}. */
    static void assertOnlyAnswerIsTo(String alice, String bob, String messageId) throws Exception {
        assertEquals(2, awaitInbox(b, bob, 2).size());
        String answer = awaitInbox(a, alice, 1).getFirst();
        assertEquals(messageId, field(answer, "In-Reply-To"), "the earlier message was answered: " + answer);
        assertEquals(1, answersSettled(alice).size());
    }
}
