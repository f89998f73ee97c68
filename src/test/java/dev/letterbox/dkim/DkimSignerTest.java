package dev.letterbox.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.PythonDkim;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    void signsPresentFieldsBottomUpAndOversignsFrom() {
        MessageHeader header = MessageHeader.parse("From: a\r\nTo: b\r\nReceived: x\r\nTo: c\r\n".getBytes(StandardCharsets.US_ASCII));
        List<String> names = DkimSigner.signedNames(header);
        assertEquals(List.of("from", "from", "to", "to"), names);
        assertEquals("from:a\r\nto:c\r\nto:b\r\n", header.canonicalFields(names, -1, Canonicalization.RELAXED));
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
        return PythonDkim.verify(data, message, Map.of(key.recordName(), key.recordValue())).get(0);
    }
}
