package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * RFC 3516 §4.4: appended binary content may change transfer encoding, losing nothing. Each case
 * checks the octets outside the rewritten parts are untouched and the decoded content is the same.
 */
class NulPartEncoderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String rewrite(String message) throws Exception {
        byte[] raw = bytes(message);
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(raw));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableByteChannel ch = new InMemoryChannel(raw)) {
            NulPartEncoder.rewrite(ch, s, out);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** BINARY[path] of a message: the part's content with its transfer encoding undone. */
    private static byte[] decoded(String message, int... path) throws IOException {
        byte[] raw = bytes(message);
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(raw));
        try (SeekableByteChannel ch = new InMemoryChannel(raw)) {
            return Sections.decodedContent(ch, s.part(path).orElseThrow()).orElseThrow();
        }
    }

    @Test
    void onlyThePartsHoldingNulChangeAndTheirContentSurvives() throws Exception {
        String binary = "\u0000\u00ff\u00e4 bytes\r\n\u0000";
        String qp = "caf=C3=A9\u0000 =\r\nsoft";
        String m = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nplain text\r\n"
                + "--b\r\nContent-Type: application/x-thing\r\nContent-transfer-encoding:\r\n binary\r\nX-Keep: yes\r\n\r\n"
                + binary + "\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + qp + "\r\n--b--\r\nepilogue\r\n";
        String out = rewrite(m);
        assertFalse(out.contains("\u0000"), out);
        assertTrue(out.startsWith("From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nplain text\r\n"
                + "--b\r\nContent-Type: application/x-thing\r\nX-Keep: yes\r\nContent-Transfer-Encoding: base64\r\n\r\n"), out);
        assertTrue(out.endsWith("\r\n--b--\r\nepilogue\r\n"), out);
        assertArrayEquals(bytes(binary), decoded(out, 2));
        assertArrayEquals(decoded(m, 3), decoded(out, 3), "quoted-printable decoded, then base64: the same content");
        assertArrayEquals(bytes("plain text"), decoded(out, 1));
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(bytes(out)));
        assertEquals("base64", s.part(new int[] {2}).orElseThrow().transferEncoding());
        assertEquals("7bit", s.part(new int[] {1}).orElseThrow().transferEncoding());
    }

    @Test
    void aSinglePartMessageWithBareLineFeedsKeepsThem() throws Exception {
        String body = "a\u0000b\n".repeat(30); // 120 octets: more than one base64 line
        String out = rewrite("Subject: x\nContent-Transfer-Encoding: 8bit\n\n" + body);
        assertTrue(out.startsWith("Subject: x\nContent-Transfer-Encoding: base64\n\n"), out);
        assertFalse(out.contains("\r"), "the message's own line ending is kept");
        for (String line : out.substring(out.indexOf("\n\n") + 2).split("\n")) assertTrue(line.length() <= 76, line);
        assertArrayEquals(bytes(body), decoded(out, 1));
    }

    @Test
    void partsInsideAnEmbeddedMessageAreFoundToo() throws Exception {
        String m = "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: application/octet-stream\r\n\r\n"
                + "x\u0000y";
        String out = rewrite(m);
        assertEquals("Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\neAB5", out); // "x", NUL, "y"
    }

    @Test
    void aNulNoEncodingCanCarryIsRefused() {
        for (String m : new String[] {
                "Subject: a\u0000b\r\n\r\nbody\u0000\r\n",                                       // header
                "Content-Type: multipart/mixed; boundary=b\r\n\r\npre\u0000\r\n--b\r\n\r\nx\r\n--b--\r\n", // preamble
                "Content-Transfer-Encoding: x-unknown\r\n\r\nbody\u0000\r\n"}) {              // undecodable part
            assertThrows(NulPartEncoder.Unencodable.class, () -> rewrite(m), m);
        }
    }

    @Test
    void containsNulLooksAtEveryOctet() throws IOException {
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'a');
        assertFalse(NulPartEncoder.containsNul(new ByteArrayInputStream(big)));
        big[150_000] = 0;
        assertTrue(NulPartEncoder.containsNul(new ByteArrayInputStream(big)));
    }
}
