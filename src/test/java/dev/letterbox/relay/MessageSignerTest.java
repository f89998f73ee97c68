package dev.letterbox.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dkim.DkimAlgorithm;
import dev.letterbox.dkim.DkimKeyStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which domain signs: the envelope sender's, when hosted with keys; never the From field's on its own say. */
class MessageSignerTest {
    @TempDir
    Path data;

    private String fields(MessageSigner signer, String sender, String from) {
        byte[] m = ("From: <" + from + ">\r\nSubject: s\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        return new String(signer.signatureFields(sender, () -> new ByteArrayInputStream(m), "test"), StandardCharsets.US_ASCII);
    }

    @Test
    void theEnvelopeSendersDomainSigns() throws Exception {
        DkimKeyStore keys = new DkimKeyStore(data);
        keys.generate("a.test", "s1", DkimAlgorithm.ED25519_SHA256);
        keys.generate("b.test", "s1", DkimAlgorithm.ED25519_SHA256);
        keys.generate("unhosted.test", "s1", DkimAlgorithm.ED25519_SHA256);
        MessageSigner signer = new MessageSigner(keys, Set.of("a.test", "b.test", "c.test")::contains);

        assertTrue(fields(signer, "x@A.test", "x@a.test").contains(" d=a.test; s=s1;"));
        String crossed = fields(signer, "x@a.test", "ceo@b.test");
        assertTrue(crossed.contains(" d=a.test;") && !crossed.contains("d=b.test"), "a user of a.test cannot get b.test's signature");
        assertEquals("", fields(signer, "x@c.test", "x@c.test"), "hosted, but no keys");
        assertEquals("", fields(signer, "x@unhosted.test", "x@a.test"), "keys, but not hosted (forwarded mail)");
        assertEquals("", fields(signer, "", "mailer-daemon@a.test"), "reports are not signed");
    }
}
