package dev.letterbox.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * A delivery status notification as a mail client sees it, parsed by Angus Mail: RFC 3462's
 * multipart/report with report-type delivery-status and its three parts in order (RFC 3464 §2),
 * or the global forms of RFC 6533 ({@code global}).
 */
public record Dsn(MimeMessage message, boolean global, String human, String status, String returned, String returnedType) {

    /** Parses a stored report (trace fields in front are fine) and checks its structure. */
    public static Dsn parse(String stored) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(stored.getBytes(StandardCharsets.UTF_8)));
        ContentType type = new ContentType(m.getContentType());
        assertTrue(type.match("multipart/report"), m.getContentType());
        String reportType = type.getParameter("report-type");
        boolean global = "global-delivery-status".equals(reportType);
        assertTrue(global || "delivery-status".equals(reportType), m.getContentType());
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertEquals(3, parts.getCount(), "human text, delivery-status, returned message or header");
        assertTrue(new ContentType(parts.getBodyPart(0).getContentType()).match("text/plain"));
        assertTrue(new ContentType(parts.getBodyPart(1).getContentType()).match("message/" + reportType));
        BodyPart third = parts.getBodyPart(2);
        return new Dsn(m, global, text(parts.getBodyPart(0)), text(parts.getBodyPart(1)), text(third),
                new ContentType(third.getContentType()).getBaseType().toLowerCase(java.util.Locale.ROOT));
    }

    private static String text(BodyPart p) throws Exception {
        try (var in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public String subject() throws Exception {
        return message.getSubject();
    }
}
