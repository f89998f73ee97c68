package dev.letterbox.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 5230 §4.5-§5 and RFC 3834 §2: when a vacation answer may go, and what it says. */
class VacationReplyTest {
    private static final Set<String> OWN = Set.of("alice@example.test", "sales@example.test");
    private static final VacationReply.Request AWAY = new VacationReply.Request("I am away until Monday.\nAlice",
            Optional.empty(), Optional.empty(), false, Duration.ofDays(7), Optional.empty(), List.of());

    private static VacationReply.Original original(String sender, String header) {
        byte[] bytes = (header + "\r\n").getBytes(StandardCharsets.UTF_8);
        return new VacationReply.Original(sender, HeaderFields.parse(bytes, bytes.length));
    }

    private static final String PLAIN = "From: Carol <carol@example.com>\r\nTo: Alice <alice@example.test>\r\n"
            + "Subject: =?utf-8?q?caf=C3=A9?= tomorrow\r\nMessage-ID: <m1@example.com>\r\n";

    @Test
    void aPersonalMessageIsAnswered() {
        assertEquals(Optional.empty(), VacationReply.whyNot(original("carol@example.com", PLAIN), OWN));
    }

    @Test
    void robotsListsAndBouncesAreNotAnswered() {
        record Case(String sender, String extraField, String why) {}
        for (Case c : List.of(
                new Case("", "", "null sender"),
                new Case("Alice@Example.test", "", "sent by the user"),
                new Case("MAILER-DAEMON@example.com", "", "robot"),
                new Case("owner-dev@lists.example.com", "", "robot or list"),
                new Case("dev-request@lists.example.com", "", "list"),
                new Case("carol@example.com", "Auto-Submitted: auto-generated\r\n", "Auto-Submitted: auto-generated"),
                new Case("carol@example.com", "Auto-Submitted: auto-replied (vacation)\r\n", "Auto-Submitted: auto-replied"),
                new Case("carol@example.com", "List-Id: <dev.lists.example.com>\r\n", "List-Id"),
                new Case("carol@example.com", "list-unsubscribe: <mailto:x@example.com>\r\n", "list-unsubscribe"),
                new Case("carol@example.com", "Precedence: bulk\r\n", "Precedence: bulk"),
                new Case("carol@example.com", "Precedence: junk\r\n", "Precedence: junk"))) {
            Optional<String> why = VacationReply.whyNot(original(c.sender(), PLAIN + c.extraField()), OWN);
            assertTrue(why.isPresent() && why.get().contains(c.why()), c + " -> " + why);
        }
        assertEquals(Optional.empty(), VacationReply.whyNot(original("carol@example.com", PLAIN + "Auto-Submitted: no\r\n"), OWN),
                "Auto-Submitted: no is a person");
    }

    @Test
    void onlyMessagesThatNameTheUserAreAnswered() {
        String bcc = "From: carol@example.com\r\nTo: team@example.com\r\n";
        assertTrue(VacationReply.whyNot(original("carol@example.com", bcc), OWN).orElseThrow().contains("not among"),
                "a list or Bcc the user is not named in");
        for (String named : List.of("Cc: \"Sales (EU)\" <SALES@example.test>\r\n", "To: friends: bob@example.com, alice@example.test;\r\n",
                "Resent-To: alice@example.test (Alice)\r\n", "To: bob@example.com,\r\n alice@example.test\r\n")) {
            assertEquals(Optional.empty(), VacationReply.whyNot(original("carol@example.com", bcc + named), OWN), named);
        }
    }

    @Test
    void theAnswerGoesBackToTheSenderMarkedAsAnAutomaticReply() {
        VacationReply.Original o = original("carol@example.com", PLAIN + "References: <m0@example.com>\r\n");
        String from = VacationReply.replyFrom(o, "alice@example.test", OWN);
        assertEquals("alice@example.test", from, "the address the message was sent to");
        String answer = new String(VacationReply.compose(AWAY, o, from, "mail.example.test",
                Instant.parse("2026-12-06T10:00:00Z")), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("From: alice@example.test\r\nTo: <carol@example.com>\r\n"), answer);
        assertTrue(answer.contains("\r\nSubject: =?UTF-8?Q?Auto:_caf=C3=A9_tomorrow?=\r\n")
                || answer.contains("\r\nSubject: =?UTF-8?Q?Auto=3A_caf=C3=A9_tomorrow?=\r\n"), answer);
        assertTrue(answer.contains("\r\nIn-Reply-To: <m1@example.com>\r\nReferences: <m0@example.com> <m1@example.com>\r\n"), answer);
        assertTrue(answer.contains("\r\nAuto-Submitted: auto-replied (vacation)\r\n"), answer);
        assertTrue(answer.contains("\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\nI am away until Monday.\r\nAlice\r\n"), answer);
    }

    @Test
    void aMimeReasonIsTheAnswersBodyEntity() {
        VacationReply.Request mime = new VacationReply.Request("Content-Type: text/html\r\n\r\n<p>Away</p>",
                Optional.of("Out of office"), Optional.of("Alice <alice@example.test>"), true, Duration.ofDays(1),
                Optional.of("h"), List.of());
        String answer = new String(VacationReply.compose(mime, original("carol@example.com", PLAIN), "Alice <alice@example.test>",
                "mail.example.test", Instant.now()), StandardCharsets.UTF_8);
        assertTrue(answer.contains("\r\nSubject: Out of office\r\n"), answer);
        assertTrue(answer.endsWith("MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Away</p>\r\n"), answer);
        assertFalse(answer.contains("text/plain"), answer);
    }

    @Test
    void theTrackingKeyIsPerAccountHandleAndSenderIgnoringCase() {
        String k = VacationReply.trackingKey(1, AWAY, "Carol@Example.com");
        assertEquals(k, VacationReply.trackingKey(1, AWAY, "carol@example.com"));
        assertNotEquals(k, VacationReply.trackingKey(2, AWAY, "carol@example.com"));
        assertNotEquals(k, VacationReply.trackingKey(1, AWAY, "dave@example.com"));
        VacationReply.Request other = new VacationReply.Request("Back soon", Optional.empty(), Optional.empty(), false,
                Duration.ofDays(7), Optional.empty(), List.of());
        assertNotEquals(k, VacationReply.trackingKey(1, other, "carol@example.com"), "another text is another vacation");
    }
}
