package dev.letterbox.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.DkimVerifier;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimSignerTest {
    @TempDir
    Path data;

    static final String MESSAGE = String.join("\r\n",
            "Received: from a by b; Sun, 22 Nov 2026 10:00:00 +0000",
            "From: \"Alice Ä\" <alice@example.test>",
            "To: bob@example.org,",
            "   carol@example.org",
            "Subject:  Hello \t  world  ",
            "Date: Sun, 22 Nov 2026 10:00:00 +0000",
            "Message-ID: <m1@example.test>",
            "X-Not-Signed: whatever",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Hello Bob,  with   spaces\t ",
            "",
            "Grüße",
            "",
            "",
            "");

    @Test
    void relaxedCanonicalisationMatchesTheRfcExample() {
        // RFC 6376 §3.4.5
        assertEquals("a:X", RelaxedCanonicalizer.header("A: X"));
        assertEquals("b:Y Z", RelaxedCanonicalizer.header("B : Y\t\r\n\tZ  "));
        RelaxedBodyHasher h = new RelaxedBodyHasher();
        byte[] body = " C \r\nD \t E\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        h.update(body, 0, body.length);
        assertEquals(sha256b64(" C\r\nD E\r\n"), Base64.getEncoder().encodeToString(h.digest()));
    }

    @Test
    void emptyBodyAndMissingFinalLineBreak() {
        RelaxedBodyHasher empty = new RelaxedBodyHasher();
        assertEquals(sha256b64(""), Base64.getEncoder().encodeToString(empty.digest()));
        RelaxedBodyHasher unterminated = new RelaxedBodyHasher();
        byte[] b = "last  line".getBytes(StandardCharsets.US_ASCII);
        unterminated.update(b, 0, b.length);
        assertEquals(sha256b64("last line\r\n"), Base64.getEncoder().encodeToString(unterminated.digest()));
    }

    @Test
    void signsPresentFieldsBottomUpAndOversignsFrom() {
        List<String> fields = List.of("From: a", "To: b", "Received: x", "To: c");
        List<String> names = DkimSigner.signedNames(fields);
        assertEquals(List.of("from", "from", "to", "to"), names);
        assertEquals("from:a\r\nto:c\r\nto:b\r\n", DkimSigner.canonicalHeaders(fields, names));
    }

    @Test
    void signaturesVerifyWithAnIndependentVerifier() throws Exception {
        DkimKeyStore store = new DkimKeyStore(data);
        DkimKey rsa = store.generate("example.test", "2026r", DkimAlgorithm.RSA_SHA256);
        DkimKey ed = store.generate("example.test", "2026e", DkimAlgorithm.ED25519_SHA256);
        assertEquals(List.of("2026e", "2026r"), store.keys("example.test").stream().map(DkimKey::selector).toList(),
                "keys reload from disk");
        byte[] msg = MESSAGE.getBytes(StandardCharsets.UTF_8);
        List<String> sigs = DkimSigner.sign(new ByteArrayInputStream(msg), store.keys("example.test"), Instant.now());
        assertEquals(2, sigs.size());
        for (String sig : sigs) {
            assertTrue(sig.startsWith("DKIM-Signature: v=1; a="), sig);
            assertTrue(sig.contains("c=relaxed/relaxed; d=example.test;"), sig);
            assertTrue(sig.contains("h=from:from:subject:date:to:message-id:mime-version:content-type;"), sig);
        }
        for (int i = 0; i < 2; i++) {
            byte[] signed = (sigs.get(i) + MESSAGE).getBytes(StandardCharsets.UTF_8);
            DkimKey key = i == 0 ? ed : rsa; // sign() follows the store's order: e before r
            assertTrue(verifiesWithPython(signed, key), "python3-dkim accepts the " + key.algorithm().tag + " signature");
            // and a changed body must break it
            byte[] tampered = (sigs.get(i) + MESSAGE.replace("Grüße", "Gruesse")).getBytes(StandardCharsets.UTF_8);
            assertFalse(verifiesWithPython(tampered, key), "tampering is detected");
            // re-folding headers and trailing blank lines is what relaxed canonicalisation tolerates
            byte[] refolded = (sigs.get(i) + MESSAGE.replace("To: bob@example.org,\r\n   carol", "To:  bob@example.org,  carol")
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            assertTrue(verifiesWithPython(refolded, key), "relaxed canonicalisation tolerates refolding");
        }
    }

    private boolean verifiesWithPython(byte[] message, DkimKey key) throws Exception {
        return DkimVerifier.verifies(data, message, key);
    }

    private static String sha256b64(String s) {
        try {
            return Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
