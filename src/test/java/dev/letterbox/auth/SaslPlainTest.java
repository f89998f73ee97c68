package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslPlainTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesWithAndWithoutAuthorizationId() {
        SaslPlain p = SaslPlain.decode(b64("\0alice@example.test\0s3cret pw")).orElseThrow();
        assertEquals("", p.authorizationId());
        assertEquals("alice@example.test", p.username());
        assertArrayEquals("s3cret pw".toCharArray(), p.password());
        assertTrue(p.authorizationMatches());
        SaslPlain q = SaslPlain.decode(b64("bob@example.test\0alice@example.test\0pw")).orElseThrow();
        assertFalse(q.authorizationMatches());
        assertFalse(q.toString().contains("pw"));
    }

    @Test
    void rejectsMalformedMessages() {
        assertTrue(SaslPlain.decode("not base64!").isEmpty());
        assertTrue(SaslPlain.decode(b64("alice\0pw")).isEmpty());
        assertTrue(SaslPlain.decode(b64("\0\0pw")).isEmpty());
        assertTrue(SaslPlain.decode(b64("\0alice\0")).isEmpty());
        assertTrue(SaslPlain.decode(b64("\0alice\0pw\0more")).isEmpty());
        assertTrue(SaslPlain.decode(Base64.getEncoder().encodeToString(new byte[] {0, 'a', 0, (byte) 0xff})).isEmpty());
    }
}
