package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idSaltedAndVerify() {
        String h1 = hasher.hash("correct horse".toCharArray());
        String h2 = hasher.hash("correct horse".toCharArray());
        assertTrue(h1.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), h1);
        assertNotEquals(h1, h2, "each hash has its own salt");
        assertTrue(hasher.verify("correct horse".toCharArray(), h1));
        assertTrue(hasher.verify("correct horse".toCharArray(), h2));
        assertFalse(hasher.verify("correct horse!".toCharArray(), h1));
        assertFalse(hasher.verify("".toCharArray(), h1));
    }

    @Test
    void nonAsciiPasswordsWork() {
        String h = hasher.hash("pässwörd☃".toCharArray());
        assertTrue(hasher.verify("pässwörd☃".toCharArray(), h));
        assertFalse(hasher.verify("passwörd☃".toCharArray(), h));
    }

    @Test
    void malformedStoredHashesNeverMatch() {
        assertFalse(hasher.verify("x".toCharArray(), null));
        assertFalse(hasher.verify("x".toCharArray(), ""));
        assertFalse(hasher.verify("x".toCharArray(), "x"));
        assertFalse(hasher.verify("x".toCharArray(), "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA"));
        assertFalse(hasher.verify("x".toCharArray(), "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA"));
    }
}
