package dev.letterbox.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The canonicalisations of RFC 6376 §3.4, checked against the RFC's own example (§3.4.5) and its edge rules. */
class CanonicalizationTest {
    private static final String EXAMPLE_HEADER = "A: X\r\nB : Y\t\r\n\tZ  \r\n";
    private static final String EXAMPLE_BODY = " C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void rfc6376Section345Headers() {
        MessageHeader header = MessageHeader.parse(bytes(EXAMPLE_HEADER + "\r\n"));
        assertEquals(2, header.size());
        assertEquals("a:X", Canonicalization.RELAXED.header(header.field(0)));
        assertEquals("b:Y Z", Canonicalization.RELAXED.header(header.field(1)));
        assertEquals("A: X", Canonicalization.SIMPLE.header(header.field(0)));
        assertEquals("B : Y\t\r\n\tZ  ", Canonicalization.SIMPLE.header(header.field(1)));
    }

    @Test
    void rfc6376Section345Bodies() {
        assertEquals(sha256(" C\r\nD E\r\n"), hash(Canonicalization.RELAXED, -1, EXAMPLE_BODY));
        assertEquals(sha256(" C \r\nD \t E\r\n"), hash(Canonicalization.SIMPLE, -1, EXAMPLE_BODY));
    }

    @Test
    void emptyBodiesAndMissingLineBreaks() {
        // §3.4.3: an empty body is one CRLF under simple; §3.4.4: nothing under relaxed
        assertEquals(sha256("\r\n"), hash(Canonicalization.SIMPLE, -1, ""));
        assertEquals(sha256(""), hash(Canonicalization.RELAXED, -1, ""));
        assertEquals(sha256("\r\n"), hash(Canonicalization.SIMPLE, -1, "\r\n\r\n\r\n"));
        assertEquals(sha256(""), hash(Canonicalization.RELAXED, -1, "\r\n \t\r\n\r\n"));
        // a last line without CRLF gets one
        assertEquals(sha256("last line\r\n"), hash(Canonicalization.RELAXED, -1, "last  line"));
        assertEquals(sha256("last  line\r\n"), hash(Canonicalization.SIMPLE, -1, "last  line"));
    }

    @Test
    void relaxedDropsWhitespaceOnlyLinesAtTheEndButKeepsThemInside() {
        // erratum 1384: reduce whitespace first, then drop the empty lines at the end
        assertEquals(sha256("a\r\n"), hash(Canonicalization.RELAXED, -1, "a\r\n  \r\n\t\r\n"));
        assertEquals(sha256("a\r\n\r\nb\r\n"), hash(Canonicalization.RELAXED, -1, "a\r\n \t \r\nb"));
        // simple keeps a whitespace-only line: it is not empty
        assertEquals(sha256("a\r\n  \r\n"), hash(Canonicalization.SIMPLE, -1, "a\r\n  \r\n\r\n"));
    }

    @Test
    void bareLineFeedsAndLoneCarriageReturns() {
        assertEquals(sha256("a\r\nb\r\n"), hash(Canonicalization.SIMPLE, -1, "a\nb\n\n"));
        assertEquals(sha256("a\rb\r\n"), hash(Canonicalization.SIMPLE, -1, "a\rb\r\n"));
        assertEquals(sha256("a\r\r\n"), hash(Canonicalization.RELAXED, -1, "a\r"));
    }

    @Test
    void bodyLengthLimitCountsCanonicalOctets() {
        BodyHash h = new BodyHash(Canonicalization.RELAXED, 5);
        byte[] body = bytes("ab   cd\r\nmore\r\n\r\n");
        h.update(body, 0, body.length);
        assertEquals(sha256("ab cd"), Base64.getEncoder().encodeToString(h.digest()));
        assertEquals("ab cd\r\nmore\r\n".length(), h.canonicalLength());
    }

    @Test
    void streamingInAnyChunksGivesTheSameHash() {
        String body = " a \t b\r\n\r\n c\rd \r\n\n\r\n  \r\n";
        for (Canonicalization c : Canonicalization.values()) {
            String whole = hash(c, -1, body);
            BodyHash oneByOne = BodyHash.of(c);
            byte[] b = bytes(body);
            for (int i = 0; i < b.length; i++) oneByOne.update(b, i, 1);
            assertEquals(whole, Base64.getEncoder().encodeToString(oneByOne.digest()), c.tag());
        }
    }

    @Test
    void bodyHashesAreSharedAndBounded() {
        BodyHashes hashes = new BodyHashes();
        BodyHash a = hashes.request(Canonicalization.RELAXED, -1);
        assertEquals(a, hashes.request(Canonicalization.RELAXED, -1));
        for (int l = 0; l < BodyHashes.MAX_HASHES - 1; l++) hashes.request(Canonicalization.SIMPLE, l);
        assertEquals(BodyHashes.MAX_HASHES, hashes.distinct());
        assertEquals(null, hashes.request(Canonicalization.SIMPLE, 999));
        hashes.update(bytes("x\r\n"));
        assertThrows(IllegalStateException.class, () -> hashes.request(Canonicalization.RELAXED, 1));
        assertEquals(sha256("x\r\n"), Base64.getEncoder().encodeToString(a.digest()));
    }

    private static String hash(Canonicalization c, long limit, String body) {
        BodyHash h = new BodyHash(c, limit);
        byte[] b = bytes(body);
        h.update(b, 0, b.length);
        return Base64.getEncoder().encodeToString(h.digest());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String sha256(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes(s)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
