package dev.letterbox.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.Dsn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The report's structure as a MIME parser sees it (Angus Mail), and what it carries back. */
class DeliveryReportTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:05:00Z");

    private static String report(String original, Optional<QueuedMessage.Ret> ret, List<DeliveryReport.Entry> entries) throws Exception {
        byte[] bytes = original.getBytes(StandardCharsets.UTF_8);
        var envelope = new QueuedMessage.Envelope("alice@example.test", new BlobId("not-a-real-blob"), bytes.length,
                Instant.parse("2026-11-22T10:00:00Z"), QueuedMessage.Body.SEVEN_BIT, false, ret, Optional.of("id 1"),
                OptionalLong.empty());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeliveryReport.write(out, "mail.example.test", envelope, () -> new ByteArrayInputStream(bytes), entries, NOW);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static DeliveryReport.Entry failed(String address, String reply) {
        return new DeliveryReport.Entry(address, Optional.of("rfc822;Orig@example.org"), DeliveryReport.Action.FAILED,
                Optional.of(reply), Optional.of("mx.remote.test"), Optional.empty());
    }

    @Test
    void retFullReturnsTheWholeMessage() throws Exception {
        String original = "Subject: hello\r\n\r\nbody line\r\n";
        Dsn dsn = Dsn.parse(report(original, Optional.of(QueuedMessage.Ret.FULL), List.of(failed("x@remote.test", "550 5.1.1 gone"))));
        assertEquals("message/rfc822", dsn.returnedType());
        assertEquals(original, dsn.returned());
        assertTrue(dsn.status().startsWith("Reporting-MTA: dns; mail.example.test\r\nOriginal-Envelope-Id: id+201\r\n"
                + "Arrival-Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\n"), dsn.status());
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; x@remote.test\r\nOriginal-Recipient: rfc822;Orig@example.org\r\n"
                + "Action: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.remote.test\r\nDiagnostic-Code: smtp; 550 5.1.1 gone\r\n"
                + "Last-Attempt-Date: Sun, 22 Nov 2026 10:05:00 +0000\r\n"), dsn.status());
        assertEquals("auto-replied", dsn.message().getHeader("Auto-Submitted", null));
    }

    @Test
    void aBigMessageComesBackAsItsHeaderOnly() throws Exception {
        String original = "Subject: big\r\nX-Extra: 1\r\n\r\n" + "x".repeat((int) DeliveryReport.FULL_RETURN_LIMIT) + "\r\n";
        Dsn dsn = Dsn.parse(report(original, Optional.of(QueuedMessage.Ret.FULL), List.of(failed("x@remote.test", "552 5.3.4 big"))));
        assertEquals("text/rfc822-headers", dsn.returnedType());
        assertEquals("Subject: big\r\nX-Extra: 1\r\n", dsn.returned());
        assertTrue(dsn.human().contains("too big to return whole"), dsn.human());
    }

    @Test
    void severalRecipientsWithTheirOwnActionsAndAGenericStatusForABareReply() throws Exception {
        var relayed = new DeliveryReport.Entry("ok@remote.test", Optional.empty(), DeliveryReport.Action.RELAYED,
                Optional.empty(), Optional.of("mx.remote.test"), Optional.empty());
        Dsn dsn = Dsn.parse(report("Subject: s\r\n\r\nb\r\n", Optional.empty(),
                List.of(failed("x@remote.test", "550 5.0.0 refused"), relayed)));
        assertEquals("Undelivered Mail Returned to Sender", dsn.subject());
        assertTrue(dsn.status().contains("Final-Recipient: rfc822; ok@remote.test\r\nAction: relayed\r\nStatus: 2.0.0\r\n"), dsn.status());
        assertFalse(dsn.returned().contains("\r\n\r\nb"), "RET absent: the header only");
        var bare = new DeliveryReport.Entry("x", Optional.empty(), DeliveryReport.Action.FAILED, Optional.of("554 no enhanced code"),
                Optional.empty(), Optional.empty());
        assertEquals("5.0.0", DeliveryReport.status(bare));
    }
}
