package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedLoginsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final VerifiedLogins recent = new VerifiedLogins(now::get);

    @Test
    void remembersOnlyTheVerifiedPasswordForThatHashAndOnlyForAWhile() {
        assertFalse(recent.matches("secret".toCharArray(), "$hash-1"), "nothing verified yet");
        recent.remember("secret".toCharArray(), "$hash-1");
        assertTrue(recent.matches("secret".toCharArray(), "$hash-1"));
        assertFalse(recent.matches("Secret".toCharArray(), "$hash-1"), "another password");
        assertFalse(recent.matches("secret".toCharArray(), "$hash-2"), "the password was changed: a new hash");
        now.addAndGet(VerifiedLogins.TTL_NANOS - 1);
        assertTrue(recent.matches("secret".toCharArray(), "$hash-1"));
        now.addAndGet(1);
        assertFalse(recent.matches("secret".toCharArray(), "$hash-1"), "expired");
    }

    @Test
    void boundedInSize() {
        for (int i = 0; i <= VerifiedLogins.MAX_ENTRIES; i++) recent.remember("pw".toCharArray(), "$hash-" + i);
        assertFalse(recent.matches("pw".toCharArray(), "$hash-0"), "the eldest was evicted");
        assertTrue(recent.matches("pw".toCharArray(), "$hash-" + VerifiedLogins.MAX_ENTRIES));
    }
}
