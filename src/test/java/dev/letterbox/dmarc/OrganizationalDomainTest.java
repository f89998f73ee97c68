package dev.letterbox.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 7489 §3.2 with the Public Suffix List: the public suffix plus one label. */
class OrganizationalDomainTest {
    private final OrganizationalDomain psl = new OrganizationalDomain();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "example.com, example.com",
            "mail.example.com, example.com",
            "a.b.c.example.com, example.com",
            "Mail.Example.COM., example.com",
            // two-label ICANN suffix
            "mail.example.co.uk, example.co.uk",
            "example.co.uk, example.co.uk",
            // a public suffix is its own organizational domain
            "co.uk, co.uk",
            // private section: each github.io / blogspot tenant is its own organization
            "www.alice.github.io, alice.github.io",
            "alice.github.io, alice.github.io",
            "github.io, github.io",
            // wildcard and exception rules (*.kawasaki.jp, !city.kawasaki.jp)
            "a.b.kawasaki.jp, a.b.kawasaki.jp",
            "www.city.kawasaki.jp, city.kawasaki.jp",
            // a TLD not on the list: the default rule '*' makes the last label the suffix
            "mx.example.test, example.test",
            "localhost, localhost",
            // IDN: compared and returned as A-labels, whichever form comes in
            "пример.рф, xn--e1afmkfd.xn--p1ai",
            "www.xn--e1afmkfd.xn--p1ai, xn--e1afmkfd.xn--p1ai",
            "mail.bücher.example, xn--bcher-kva.example",
            // a leading label Guava would not take on its own
            "_bounce.mail.example.com, example.com",
    })
    void organizationalDomain(String domain, String expected) {
        assertEquals(expected, psl.of(domain));
    }

    @Test
    void answersAreRemembered() {
        String first = psl.of("mail.example.co.uk");
        assertSame(first, psl.of("mail.example.co.uk"), "the second answer is the first one, not found again");
        assertEquals("example.co.uk", first);
        String name = "x".repeat(2_000);
        assertEquals(name, psl.of(name), "a text too long to be a name is its own organization");
    }

    @Test
    void sameOrganizationIsRelaxedAlignment() {
        assertTrue(psl.sameOrganization("child.example.com", "example.com"));
        assertTrue(psl.sameOrganization("a.example.co.uk", "b.example.co.uk"));
        assertFalse(psl.sameOrganization("example.com", "example.net"));
        assertFalse(psl.sameOrganization("alice.github.io", "bob.github.io"), "private suffix tenants differ");
        assertFalse(psl.sameOrganization("example.co.uk", "other.co.uk"));
    }
}
