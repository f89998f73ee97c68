package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * RFC 3501 §6.4.5 section numbering and section content (BODY[n], n.MIME, n.HEADER, n.TEXT,
 * HEADER.FIELDS(.NOT)), RFC 3516 BINARY. The expected octets are those RFC 3501 defines, and are what
 * Dovecot 2.3.19 returned for the same sections of the same corpus messages.
 */
class SectionsTest {

    /** The octets a FETCH BODY[spec] returns, computed the way the IMAP server does from the structure. */
    static String section(byte[] raw, String spec) throws IOException {
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(raw));
        String[] pieces = spec.isEmpty() ? new String[0] : spec.split("\\.");
        int numbers = 0;
        while (numbers < pieces.length && pieces[numbers].chars().allMatch(Character::isDigit)) numbers++;
        int[] path = Arrays.stream(pieces, 0, numbers).mapToInt(Integer::parseInt).toArray();
        String text = String.join(".", Arrays.copyOfRange(pieces, numbers, pieces.length));
        Optional<MessageStructure.Part> found = s.part(path);
        if (found.isEmpty()) return "<none>";
        MessageStructure.Part p = found.get();
        try (SeekableByteChannel ch = new InMemoryChannel(raw)) {
            return switch (text) {
                case "" -> string(raw, p.bodyStart(), p.end());
                case "MIME" -> string(raw, p.headerStart(), p.bodyStart());
                case "HEADER" -> string(raw, p.embeddedHeaderStart(), p.embeddedBodyStart());
                case "TEXT" -> string(raw, p.embeddedBodyStart(), p.end());
                default -> {
                    boolean not = text.startsWith("HEADER.FIELDS.NOT ");
                    List<String> names = List.of(text.substring(text.indexOf('(') + 1, text.indexOf(')')).split(" "));
                    yield new String(Sections.headerFields(ch, p.embeddedHeaderStart(), p.embeddedBodyStart(), names, not),
                            StandardCharsets.ISO_8859_1);
                }
            };
        }
    }

    private static String string(byte[] raw, long from, long to) {
        return new String(raw, (int) from, (int) (to - from), StandardCharsets.ISO_8859_1);
    }

    @Test
    void partsOfAMultipartWithAnEmbeddedMessage() throws IOException {
        byte[] m = Corpus.load("03-message-rfc822.eml");
        String embeddedHeader = "From: Carol <carol@example.com>\r\nTo: Alice <alice@example.org>\r\nSubject: quarterly numbers\r\n"
                + "Date: Tue, 1 Jul 2003 18:00:00 -0500\r\nMessage-ID: <orig-1@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"YYY\"\r\n\r\n";
        String embeddedText = "--YYY\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Numbers are up 5% this quarter. Caf=E9!\r\n--YYY\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"
                + "<p>Numbers are up 5% this quarter.</p>\r\n--YYY--\r\n";
        assertEquals("See the forwarded message below.\r\n", section(m, "1"));
        assertEquals(embeddedHeader + embeddedText, section(m, "2"));
        assertEquals(embeddedHeader, section(m, "2.HEADER"));
        assertEquals(embeddedText, section(m, "2.TEXT"));
        assertEquals("Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n", section(m, "2.MIME"));
        assertEquals("Numbers are up 5% this quarter. Caf=E9!", section(m, "2.1"));
        assertEquals("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
                section(m, "2.1.MIME"));
        assertEquals("<p>Numbers are up 5% this quarter.</p>", section(m, "2.2"));
        // The second embedded message is not multipart: its body is part 3.1, its header that part's MIME header.
        assertEquals("Just text.", section(m, "3.1"));
        assertEquals("Subject: a simple embedded one\r\nFrom: dave@example.com\r\n\r\n", section(m, "3.1.MIME"));
        assertEquals("<none>", section(m, "4"));
        assertEquals("<none>", section(m, "2.1.1"));
        assertEquals("<none>", section(m, "1.1"));
        assertEquals("<none>", section(m, "0"));
    }

    @Test
    void headerFieldsAndNot() throws IOException {
        byte[] m = Corpus.load("03-message-rfc822.eml");
        assertEquals("From: Carol <carol@example.com>\r\nSubject: quarterly numbers\r\n\r\n",
                section(m, "2.HEADER.FIELDS (from SUBJECT)"));
        assertEquals("To: Alice <alice@example.org>\r\nDate: Tue, 1 Jul 2003 18:00:00 -0500\r\nMessage-ID: <orig-1@example.com>\r\n\r\n",
                section(m, "2.HEADER.FIELDS.NOT (from SUBJECT mime-version content-type)"));
        assertEquals("Message-ID: <fwd-1@example.org>\r\n\r\n", section(m, "HEADER.FIELDS (Message-ID)"));
        assertEquals("\r\n", section(m, "HEADER.FIELDS (X-Absent)"));
    }

    @Test
    void foldedFieldsStayWholeAndNamesMatchAnyCase() throws IOException {
        byte[] m = ("Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024 00:00:00 +0000\r\nSUBJECT : folded\r\n  subject\r\n"
                + "X-Other: 1\r\nreceived: second\r\nno colon line\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals("Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024 00:00:00 +0000\r\nSUBJECT : folded\r\n  subject\r\n"
                + "received: second\r\n\r\n", section(m, "HEADER.FIELDS (subject RECEIVED)"));
        assertEquals("X-Other: 1\r\nno colon line\r\n\r\n", section(m, "HEADER.FIELDS.NOT (subject RECEIVED)"));
    }

    @Test
    void headerFieldsOfAHeaderWithoutBlankLineStillEndWithOne() throws IOException {
        byte[] m = "Subject: only a header\r\nFrom: a@b".getBytes(StandardCharsets.US_ASCII);
        assertEquals("From: a@b\r\n\r\n", section(m, "HEADER.FIELDS (From)"));
        assertEquals("", section(m, "TEXT"));
    }

    @Test
    void topLevelMessageRfc822AndNonMultipartMessages() throws IOException {
        byte[] m = Corpus.load("14-rfc822-toplevel.eml");
        assertEquals("From: inner@example.com\r\nSubject: inner message\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n",
                section(m, "1.HEADER"));
        assertTrue(section(m, "1").startsWith("From: inner@example.com\r\n"));
        assertTrue(section(m, "1.MIME").startsWith("From: wrapper@example.com\r\n"));
        assertEquals("inner text", section(m, "1.1"));
        assertEquals("AAEC", section(m, "1.2"));
        assertEquals("Content-Type: text/plain\r\n\r\n", section(m, "1.1.MIME"));

        byte[] plain = Corpus.load("01-plain-no-mime.eml");
        assertEquals("Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n", section(plain, "1"));
        assertEquals(section(plain, "HEADER"), section(plain, "1.MIME"));
        assertEquals(section(plain, "TEXT"), section(plain, "1"));
        assertEquals(new String(plain, StandardCharsets.ISO_8859_1), section(plain, ""));
        assertEquals("<none>", section(plain, "1.1"));
        assertEquals("<none>", section(plain, "2"));
    }

    @Test
    void bareLfMessagesAreAddressedByTheirStoredOctets() throws IOException {
        byte[] m = Corpus.load("09-bare-lf.lf.eml");
        assertEquals("one\ntwo", section(m, "1"));
        assertEquals("Content-Type: text/plain\n\n", section(m, "1.MIME"));
        assertEquals("<p>one</p>", section(m, "2"));
        assertEquals("Subject: bare LF line endings\n\n", section(m, "HEADER.FIELDS (Subject)"));
    }

    @Test
    void binaryDecodesBase64AndQuotedPrintable() throws IOException {
        byte[] m = Corpus.load("03-message-rfc822.eml");
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(m));
        try (InMemoryChannel ch = new InMemoryChannel(m)) {
            byte[] qp = Sections.decodedContent(ch, s.part(new int[] {2, 1}).orElseThrow()).orElseThrow();
            assertArrayEquals("Numbers are up 5% this quarter. Caf\u00e9!".getBytes(StandardCharsets.ISO_8859_1), qp);
            assertEquals(qp.length, Sections.decodedSize(ch, s.part(new int[] {2, 1}).orElseThrow()).orElseThrow());
        }
        byte[] pdf = Corpus.load("02-alternative-in-mixed.eml");
        s = MessageStructure.parse(new ByteArrayInputStream(pdf));
        try (InMemoryChannel ch = new InMemoryChannel(pdf)) {
            byte[] decoded = Sections.decodedContent(ch, s.part(new int[] {2}).orElseThrow()).orElseThrow();
            assertTrue(new String(decoded, StandardCharsets.ISO_8859_1).startsWith("%PDF-1.4\n"));
            assertEquals(78, decoded.length);
        }
        byte[] bad = Corpus.load("07-bad-encodings.eml");
        s = MessageStructure.parse(new ByteArrayInputStream(bad));
        try (InMemoryChannel ch = new InMemoryChannel(bad)) {
            assertFalse(Sections.decodedContent(ch, s.part(new int[] {2}).orElseThrow()).isPresent(), "x-uuencode is UNKNOWN-CTE");
            // Invalid base64 and QP decode leniently rather than failing the FETCH.
            assertTrue(Sections.decodedContent(ch, s.part(new int[] {1}).orElseThrow()).isPresent());
            assertTrue(new String(Sections.decodedContent(ch, s.part(new int[] {3}).orElseThrow()).orElseThrow(),
                    StandardCharsets.UTF_8).startsWith("broken "));
        }
    }
}
