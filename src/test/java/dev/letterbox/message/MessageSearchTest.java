package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEARCH helpers: decoded headers, decoded text parts, case-insensitive substrings, streaming. */
class MessageSearchTest {

    private static MessageStructure parse(byte[] raw) throws IOException {
        return MessageStructure.parse(new ByteArrayInputStream(raw));
    }

    private static List<String> header(String file, String field) throws IOException {
        byte[] raw = Corpus.load(file);
        return MessageSearch.headerValues(new ByteArrayInputStream(raw), parse(raw), field);
    }

    private static boolean body(byte[] raw, String needle) throws IOException {
        try (InMemoryChannel ch = new InMemoryChannel(raw)) {
            return MessageSearch.bodyContains(ch, parse(raw), needle);
        }
    }

    private static boolean text(byte[] raw, String needle) throws IOException {
        try (InMemoryChannel ch = new InMemoryChannel(raw)) {
            return MessageSearch.textContains(ch, parse(raw), needle);
        }
    }

    @Test
    void headerValuesAreDecoded() throws IOException {
        assertEquals(List.of("R\u00e9union de lundi"), header("02-alternative-in-mixed.eml", "SUBJECT"));
        assertEquals(List.of("Pr\u00e9sentation"), header("04-rfc2231-filenames.eml", "subject"));
        assertEquals(List.of("Gr\u00fc\u00dfe aus K\u00f6ln"), header("08-8bit-headers.eml", "Subject"));
        assertEquals(List.of("Fran\u00e7ois <francois@example.fr>"), header("08-8bit-headers.eml", "to"));
        assertEquals(List.of("\u00c9lo\u00efse <eloise@example.fr>"), header("19-utf8-and-encoded-filenames.eml", "From"));
        assertEquals(List.of(), header("01-plain-no-mime.eml", "Cc"));
        byte[] two = "Received: one\r\nreceived: two\r\n  folded\r\n\r\nbody received: three\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("one", "two  folded"), MessageSearch.headerValues(new ByteArrayInputStream(two), parse(two), "Received"));
    }

    @Test
    void bodySearchDecodesTextPartsAndSkipsAttachments() throws IOException {
        byte[] m = Corpus.load("02-alternative-in-mixed.eml");
        assertTrue(body(m, "D\u00c9PLAC\u00c9E"), "quoted-printable UTF-8, any case");
        assertTrue(body(m, "bonjour \u00e0 tous"), "8bit html part");
        assertFalse(body(m, "Catalog"), "the base64 PDF is not text");
        assertFalse(body(m, "Mary Smith"), "header only");
        assertTrue(text(m, "mary smith"), "TEXT includes the header");
        assertTrue(text(m, "r\u00e9union de LUNDI"), "decoded header");
        assertFalse(text(m, "nowhere to be found"));

        byte[] fwd = Corpus.load("03-message-rfc822.eml");
        assertTrue(body(fwd, "caf\u00e9!"), "ISO-8859-1 quoted-printable inside an embedded message");
        assertTrue(body(fwd, "carol@example.com"), "the embedded message's header is part of the body");
        assertTrue(body(Corpus.load("19-utf8-and-encoded-filenames.eml"), "pr\u00fcfbericht."), "base64 text part");
        assertTrue(body(Corpus.load("01-plain-no-mime.eml"), "3:30 TOMORROW"), "non-MIME message is text");
        assertTrue(body(fwd, ""), "the empty string is in every message");
    }

    @Test
    void caseFoldingCoversOtherScripts() throws IOException {
        byte[] m = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "\u03a3\u039f\u03a6\u0399\u0391 and \u00c5NGSTR\u00d6M and \ud801\udc00 deseret\r\n").getBytes(StandardCharsets.UTF_8);
        assertTrue(body(m, "\u03c3\u03bf\u03c6\u03b9\u03b1"));
        assertTrue(body(m, "\u00e5ngstr\u00f6m"));
        assertTrue(body(m, "\ud801\udc28 DESERET"), "supplementary characters fold too");
        assertFalse(body(m, "sophia"));
    }

    @Test
    void matchesAcrossReadBuffersAndAcrossQuotedPrintableSoftBreaks() throws IOException {
        StringBuilder text = new StringBuilder();
        while (text.length() < 8190) text.append("filler ");
        text.setLength(8190);
        text.append("needle in the haystack");
        byte[] m = ("Content-Type: text/plain\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertTrue(body(m, "NEEDLE IN THE HAYSTACK"));
        byte[] qp = "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsplit ne=\r\nedle here\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertTrue(body(qp, "needle"));
    }

    @Test
    void aLargeAttachmentIsNotRead() throws IOException {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(("From: big@example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
                + "Content-Type: text/plain\r\n\r\nsee the attachment\r\n--x\r\nContent-Type: application/zip\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = Base64.getMimeEncoder().encode(new byte[57 * 1000]);
        for (int i = 0; i < 260; i++) {   // ~20 MB of base64
            m.writeBytes(chunk);
            m.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        m.writeBytes("--x--\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] raw = m.toByteArray();
        MessageStructure s = parse(raw);
        try (InMemoryChannel ch = new InMemoryChannel(raw)) {
            assertFalse(MessageSearch.bodyContains(ch, s, "not there"));
            assertTrue(ch.bytesRead < 200_000, "read " + ch.bytesRead + " octets of " + raw.length);
        }
        try (InMemoryChannel ch = new InMemoryChannel(raw)) {
            assertTrue(MessageSearch.bodyContains(ch, s, "THE ATTACHMENT"));
        }
    }
}
