package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void normalizesCaseAndIdn() {
        assertEquals("alice@example.test", Addresses.normalize("Alice@Example.TEST").orElseThrow());
        assertEquals("bob@xn--bcher-kva.example", Addresses.normalize("bob@bücher.example").orElseThrow());
        assertEquals("josé@example.test", Addresses.normalize("José@example.test").orElseThrow());
        assertEquals("example.test", Addresses.normalizeDomain("Example.Test.").orElseThrow());
        assertEquals("@example.test", Addresses.normalizeAliasKey("@EXAMPLE.test").orElseThrow());
    }

    @Test
    void rejectsInvalidAddresses() {
        for (String bad : new String[] {"", "alice", "@example.test", "alice@", "al ice@example.test", "a..b@example.test",
                ".a@example.test", "a.@example.test", "a@b@example.test", "a\"b@example.test", "a@localhost",
                "a@-bad.example", "a@exa_mple.test", "x".repeat(65) + "@example.test", "a@example.test\r\n",
                "a@example..test", "a@bad-.example", "a@ex ample.test", "a@" + "l".repeat(64) + ".example", "a@.example.test"}) {
            assertTrue(Addresses.normalize(bad).isEmpty(), bad);
        }
    }
}
