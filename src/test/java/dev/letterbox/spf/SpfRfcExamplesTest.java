package dev.letterbox.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.spf.SpfResult.Result;
import dev.letterbox.testing.TestDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The worked examples of RFC 7208 itself: the macro expansions of §7.4 and the policies of
 * Appendix A, checked end to end through a loopback DNS server.
 */
class SpfRfcExamplesTest {
    static TestDnsServer dns;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @BeforeEach
    void empty() {
        dns.clear();
    }

    /** A verifier with a fresh cache, so each example sees only its own records. */
    private static SpfVerifier verifier() {
        return new SpfVerifier(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2)), "mx.example.net");
    }

    /**
     * §7.4: &lt;sender&gt; strong-bad@email.example.com, client 192.0.2.3 or 2001:db8::cb01. Each
     * macro is put in an exists: term; the check passes only if exactly the expected name is asked for.
     */
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "%{s}|192.0.2.3|strong-bad@email.example.com",
            "%{o}|192.0.2.3|email.example.com",
            "%{d}|192.0.2.3|email.example.com",
            "%{d4}|192.0.2.3|email.example.com",
            "%{d3}|192.0.2.3|email.example.com",
            "%{d2}|192.0.2.3|example.com",
            "%{d1}|192.0.2.3|com",
            "%{dr}|192.0.2.3|com.example.email",
            "%{d2r}|192.0.2.3|example.email",
            "%{l}|192.0.2.3|strong-bad",
            "%{l-}|192.0.2.3|strong.bad",
            "%{lr}|192.0.2.3|strong-bad",
            "%{lr-}|192.0.2.3|bad.strong",
            "%{l1r-}|192.0.2.3|strong",
            "%{ir}.%{l1r-}.lp._spf.%{d2}|192.0.2.3|3.2.0.192.strong.lp._spf.example.com",
            "%{lr-}.lp._spf.%{d2}|192.0.2.3|bad.strong.lp._spf.example.com",
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|192.0.2.3|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|192.0.2.3|3.2.0.192.in-addr.strong.lp._spf.example.com",
            "%{d2}.trusted-domains.example.net|192.0.2.3|example.com.trusted-domains.example.net",
            "%{ir}.%{v}._spf.%{d2}|2001:db8::cb01|1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
    })
    void section7Point4Expansions(String macro, String client, String expansion) throws Exception {
        dns.txt("email.example.com", "v=spf1 exists:" + macro + " -all");
        SpfResult without = verifier().checkMailFrom(InetAddress.getByName(client), "helo.example.org", "strong-bad@email.example.com");
        assertEquals(Result.FAIL, without.result(), "nothing published at " + expansion + " yet");
        dns.a(expansion, "127.0.0.2");
        SpfResult with = verifier().checkMailFrom(InetAddress.getByName(client), "helo.example.org", "strong-bad@email.example.com");
        assertEquals(Result.PASS, with.result(), () -> macro + " did not ask for " + expansion + ": " + with.detail());
    }

    /** Appendix A's DNS: example.com with two MXs and two hosts, example.org, and their reverse names. */
    private static void appendixAZone() {
        dns.mx("example.com", 10, "mail-a.example.com").mx("example.com", 20, "mail-b.example.com")
                .a("example.com", "192.0.2.10").a("example.com", "192.0.2.11")
                .a("amy.example.com", "192.0.2.65").a("bob.example.com", "192.0.2.66")
                .a("mail-a.example.com", "192.0.2.129").a("mail-b.example.com", "192.0.2.130")
                .cname("www.example.com", "example.com")
                .mx("example.org", 10, "mail-c.example.org").a("mail-c.example.org", "192.0.2.140")
                .ptr("192.0.2.10", "example.com").ptr("192.0.2.11", "example.com")
                .ptr("192.0.2.65", "amy.example.com").ptr("192.0.2.66", "bob.example.com")
                .ptr("192.0.2.129", "mail-a.example.com").ptr("192.0.2.130", "mail-b.example.com")
                .ptr("192.0.2.140", "mail-c.example.org")
                .ptr("10.0.0.4", "bob.example.com"); // a rogue reverse name claiming to be bob
    }

    /** A.1: example.com's possible policies, and which clients each one lets through. */
    @ParameterizedTest(name = "{0} from {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "v=spf1 +all|192.0.2.200|PASS",
            "v=spf1 a -all|192.0.2.10|PASS",
            "v=spf1 a -all|192.0.2.11|PASS",
            "v=spf1 a -all|192.0.2.65|FAIL",
            "v=spf1 a:example.org -all|192.0.2.140|FAIL",
            "v=spf1 a:example.org -all|192.0.2.10|FAIL",
            "v=spf1 mx -all|192.0.2.129|PASS",
            "v=spf1 mx -all|192.0.2.130|PASS",
            "v=spf1 mx -all|192.0.2.10|FAIL",
            "v=spf1 mx:example.org -all|192.0.2.140|PASS",
            "v=spf1 mx:example.org -all|192.0.2.129|FAIL",
            "v=spf1 mx mx:example.org -all|192.0.2.129|PASS",
            "v=spf1 mx mx:example.org -all|192.0.2.130|PASS",
            "v=spf1 mx mx:example.org -all|192.0.2.140|PASS",
            "v=spf1 mx mx:example.org -all|192.0.2.65|FAIL",
            "v=spf1 mx/30 mx:example.org/30 -all|192.0.2.131|PASS",
            "v=spf1 mx/30 mx:example.org/30 -all|192.0.2.143|PASS",
            "v=spf1 mx/30 mx:example.org/30 -all|192.0.2.132|FAIL",
            "v=spf1 ptr -all|192.0.2.65|PASS",
            "v=spf1 ptr -all|192.0.2.140|FAIL",
            "v=spf1 ptr -all|10.0.0.4|FAIL",
            "v=spf1 ip4:192.0.2.128/28 -all|192.0.2.65|FAIL",
            "v=spf1 ip4:192.0.2.128/28 -all|192.0.2.129|PASS",
    })
    void appendixA1SimpleExamples(String policy, String client, Result expected) throws Exception {
        appendixAZone();
        dns.txt("example.com", policy);
        SpfResult r = verifier().checkMailFrom(InetAddress.getByName(client), "helo.example.net", "someone@example.com");
        assertEquals(expected, r.result(), r.detail());
    }

    /**
     * A.4: an IP range and a matching reverse name are both required, written with De Morgan's law
     * as two negated includes and "+all". Taken literally, the RFC's "-ptr" inside
     * ptr._spf.example.com compares the client's names with ptr._spf.example.com itself (§5.5: the
     * current domain), which no client has; "-ptr:%{o}" says what the example means — names in the
     * sender's domain.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "192.0.2.65|PASS",   // in 192.0.2.0/24 and amy.example.com resolves back
            "192.0.2.70|FAIL",   // in the range, but no reverse name
            "10.0.0.4|FAIL",     // the rogue: outside the range, reverse name does not validate
    })
    void appendixA4MultipleRequirements(String client, Result expected) throws Exception {
        appendixAZone();
        dns.txtStrings("example.com", "v=spf1 ", "-include:ip4._spf.%{d} ", "-include:ptr._spf.%{d} ", "+all");
        dns.txt("ip4._spf.example.com", "v=spf1 -ip4:192.0.2.0/24 +all");
        dns.txt("ptr._spf.example.com", "v=spf1 -ptr:%{o} +all");
        SpfResult r = verifier().checkMailFrom(InetAddress.getByName(client), "helo.example.net", "someone@example.com");
        assertEquals(expected, r.result(), r.detail());
    }

    /** In the style of A.3: per-user and per-address permissions published as DNSBL-like A records. */
    @Test
    void dnsblStylePolicies() throws Exception {
        appendixAZone();
        dns.txt("example.com", "v=spf1 mx include:mobile-users._spf.%{d} include:remote-users._spf.%{d} -all");
        dns.txt("mobile-users._spf.example.com", "v=spf1 exists:%{l1r+}.%{d}");
        dns.txt("remote-users._spf.example.com", "v=spf1 exists:%{ir}.%{l1r+}.%{d}");
        dns.a("mary.mobile-users._spf.example.com", "127.0.0.2");
        dns.a("15.15.168.192.joel.remote-users._spf.example.com", "127.0.0.2");
        InetAddress anywhere = InetAddress.getByName("198.51.100.7");
        assertEquals(Result.PASS, verifier().checkMailFrom(anywhere, "h.example.net", "mary@example.com").result());
        assertEquals(Result.FAIL, verifier().checkMailFrom(anywhere, "h.example.net", "fred@example.com").result());
        assertEquals(Result.PASS, verifier().checkMailFrom(InetAddress.getByName("192.168.15.15"), "h.example.net",
                "joel@example.com").result());
        assertEquals(Result.FAIL, verifier().checkMailFrom(anywhere, "h.example.net", "joel@example.com").result());
    }
}
