package dev.letterbox.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dns.DnsResolver;
import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.spf.SpfResult.Identity;
import dev.letterbox.spf.SpfResult.Result;
import dev.letterbox.testing.TestDnsServer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The identities, the API's edges, and bounded work and time, over a loopback DNS server. */
class SpfVerifierTest {
    static final InetAddress CLIENT = address("192.0.2.1");
    TestDnsServer dns;
    DnsjavaResolver resolver;
    SpfVerifier spf;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer().tcp();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
        spf = new SpfVerifier(resolver, "mx.example.net", Duration.ofSeconds(5),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void aVerifierKeptForManyMessagesSeesAChangedRecord() {
        var uncached = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), Clock.systemUTC(), 0);
        var kept = new SpfVerifier(uncached, "mx.example.net");
        dns.txt("example.org", "v=spf1 ip4:192.0.2.0/24 -all");
        for (int i = 0; i < 3; i++) assertEquals(Result.PASS, kept.checkMailFrom(CLIENT, "h.example.net", "a@example.org").result());
        dns.clear();
        dns.txt("example.org", "v=spf1 ip4:198.51.100.0/24 -all");
        assertEquals(Result.FAIL, kept.checkMailFrom(CLIENT, "h.example.net", "a@example.org").result(),
                "parsed records are remembered by their text, not by their domain");
    }

    @Test
    void heloIsCheckedAsPostmasterAtTheHeloDomain() {
        dns.txt("mail.example.org", "v=spf1 a -all").a("mail.example.org", "192.0.2.1");
        SpfResult r = spf.checkHelo(CLIENT, "mail.example.org");
        assertEquals(new SpfResult(Result.PASS, Identity.HELO, "mail.example.org", "postmaster@mail.example.org",
                Optional.empty(), "a"), r);
        assertEquals(Result.FAIL, spf.checkHelo(address("192.0.2.2"), "mail.example.org").result());
        assertEquals(Result.NONE, spf.checkHelo(CLIENT, "[192.0.2.1]").result(), "an address literal is no domain");
        assertEquals(Result.NONE, spf.checkHelo(CLIENT, "localhost").result(), "one label is no FQDN");
    }

    @Test
    void theNullSenderIsCheckedAsPostmasterAtTheHelo() {
        dns.txt("mail.example.org", "v=spf1 ip4:192.0.2.0/24 -all");
        SpfResult r = spf.checkMailFrom(CLIENT, "mail.example.org", "");
        assertEquals(Identity.MAILFROM, r.identity());
        assertEquals("postmaster@mail.example.org", r.sender());
        assertEquals("mail.example.org", r.domain());
        assertEquals(Result.PASS, r.result());
        assertEquals("ip4:192.0.2.0/24", r.detail());
    }

    @Test
    void aSenderWithoutLocalPartOrWithoutAtSignIsPostmaster() {
        dns.txt("example.org", "v=spf1 -all");
        assertEquals("postmaster@example.org", spf.checkMailFrom(CLIENT, "h.example.net", "@example.org").sender());
        assertEquals("postmaster@example.org", spf.checkMailFrom(CLIENT, "h.example.net", "example.org").sender());
        assertEquals("we.ird@x@example.org", spf.checkMailFrom(CLIENT, "h.example.net", "we.ird@x@example.org").sender());
    }

    @Test
    void internationalizedDomainsAreLookedUpAsALabels() {
        dns.txt("xn--bcher-kva.example", "v=spf1 ip4:192.0.2.1 -all");
        SpfResult r = spf.checkMailFrom(CLIENT, "h.example.net", "leser@bücher.example");
        assertEquals(Result.PASS, r.result());
        assertEquals("xn--bcher-kva.example", r.domain());
    }

    @Test
    void explanationsMayUseTheExplanationOnlyLetters() {
        dns.txt("example.org", "v=spf1 -all exp=why.example.org").txt("why.example.org", "%{r} at %{t} refuses %{c} for %{d}");
        SpfResult r = spf.checkMailFrom(address("2001:db8::1"), "h.example.net", "someone@example.org");
        assertEquals(Result.FAIL, r.result());
        assertEquals(Optional.of("mx.example.net at 1767225600 refuses 2001:db8::1 for example.org"), r.explanation());
    }

    @Test
    void softfailAndNeutralHaveNoExplanation() {
        dns.txt("example.org", "v=spf1 ~all exp=why.example.org").txt("why.example.org", "go away");
        SpfResult r = spf.checkMailFrom(CLIENT, "h.example.net", "someone@example.org");
        assertEquals(Result.SOFTFAIL, r.result());
        assertEquals(Optional.empty(), r.explanation());
    }

    @Test
    void aHundredKilobyteExpansionIsAPermerrorAndAHugeExplanationIsDropped() {
        String sender = "x".repeat(500) + "@example.org";
        dns.bigTxt("example.org", "v=spf1 exists:" + "%{s}".repeat(200) + " -all");
        SpfResult r = spf.checkMailFrom(CLIENT, "h.example.net", sender);
        assertEquals(Result.PERMERROR, r.result());
        assertTrue(r.detail().contains("too long"), r.detail());

        dns.clear();
        dns.txt("example.org", "v=spf1 -all exp=why.example.org").bigTxt("why.example.org", "%{s}".repeat(200));
        SpfResult failed = new SpfVerifier(fresh(), "mx.example.net").checkMailFrom(CLIENT, "h.example.net", sender);
        assertEquals(Result.FAIL, failed.result());
        assertEquals(Optional.empty(), failed.explanation());
    }

    @Test
    void aLongExplanationIsCutToFitAReplyLine() {
        dns.txt("example.org", "v=spf1 -all exp=why.example.org").bigTxt("why.example.org", "no ".repeat(300));
        SpfResult r = spf.checkMailFrom(CLIENT, "h.example.net", "a@example.org");
        assertEquals(CheckHost.MAX_EXPLANATION, r.explanation().orElseThrow().length());
    }

    @Test
    void tenThousandMechanismsCostAtMostTenLookups() {
        dns.bigTxt("example.org", "v=spf1 " + "a ".repeat(10_000) + "-all").a("example.org", "192.0.2.99");
        SpfResult r = spf.checkMailFrom(CLIENT, "h.example.net", "a@example.org");
        assertEquals(Result.PERMERROR, r.result());
        assertTrue(r.detail().contains("more than 10 DNS lookups"), r.detail());
        assertTrue(dns.queries("example.org") <= 11, "asked " + dns.queries("example.org") + " times");
    }

    @Test
    void aSixtyKilobyteRecordOfAddressesIsEvaluatedWhole() {
        StringBuilder record = new StringBuilder("v=spf1");
        for (int i = 0; i < 3700; i++) record.append(" -ip4:10.").append(i / 250).append('.').append(i % 250).append(".1");
        record.append(" ip4:192.0.2.1 -all");
        assertTrue(record.length() > 58_000, "about 60 KB: " + record.length());
        dns.bigTxt("example.org", record.toString());
        assertEquals(Result.PASS, spf.checkMailFrom(CLIENT, "h.example.net", "a@example.org").result());
        assertEquals(Result.FAIL, spf.checkMailFrom(address("10.3.2.1"), "h.example.net", "a@example.org").result());
    }

    @Test
    void aThousandNestedIncludesStopAtTheLimit() {
        for (int i = 0; i < 1000; i++) dns.txt("inc" + i + ".example.org", "v=spf1 include:inc" + (i + 1) + ".example.org -all");
        SpfResult r = spf.checkMailFrom(CLIENT, "h.example.net", "a@inc0.example.org");
        assertEquals(Result.PERMERROR, r.result());
        assertTrue(r.detail().contains("more than 10 DNS lookups"), r.detail());
        assertEquals(1, dns.queries("inc10.example.org"));
        assertEquals(0, dns.queries("inc11.example.org"), "nothing past the tenth include is asked for");
    }

    @Test
    void aDnsServerThatNeverAnswersCostsAtMostTheCheckDeadline() {
        dns.txt("example.org", "v=spf1 include:dead.example.org -all").silent("dead.example.org");
        DnsjavaResolver patient = new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(30));
        SpfVerifier bounded = new SpfVerifier(patient, "mx.example.net", Duration.ofMillis(500), Clock.systemUTC());
        long start = System.nanoTime();
        SpfResult r = bounded.checkMailFrom(CLIENT, "h.example.net", "a@example.org");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Result.TEMPERROR, r.result());
        assertTrue(tookMs < 2000, "took " + tookMs + " ms");

        dns.silent("silent.example.org");
        start = System.nanoTime();
        SpfResult silentDomain = new SpfVerifier(patient, "mx.example.net", Duration.ofMillis(300), Clock.systemUTC())
                .checkMailFrom(CLIENT, "h.example.net", "b@silent.example.org");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000);
        assertEquals(Result.TEMPERROR, silentDomain.result());
    }

    @Test
    void aCheckThroughAnExpiredDeadlineIsATemperrorAtOnce() {
        dns.txt("example.org", "v=spf1 +all");
        DnsResolver expired = resolver.within(Duration.ZERO);
        long start = System.nanoTime();
        SpfResult r = new SpfVerifier(expired, "mx.example.net").checkMailFrom(CLIENT, "h.example.net", "a@example.org");
        assertEquals(Result.TEMPERROR, r.result());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 200);
        assertEquals(0, dns.queries("example.org"));
    }

    @Test
    void aServfailIsATemperrorAndIsAskedAgainNextTime() {
        dns.servfail("example.org");
        assertEquals(Result.TEMPERROR, spf.checkMailFrom(CLIENT, "h.example.net", "a@example.org").result());
        dns.clear();
        dns.txt("example.org", "v=spf1 +all");
        assertEquals(Result.PASS, spf.checkMailFrom(CLIENT, "h.example.net", "a@example.org").result());
    }

    private DnsjavaResolver fresh() {
        return new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
